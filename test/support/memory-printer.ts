/**
 * An in-memory receipt printer for unit tests of the casting pipeline: it keeps
 * each printout as text and can be told to fail the way the serial driver
 * reports failures, or to never answer (a hung printer, or a station killed
 * while printing). End-to-end tests use the real driver and the simulator.
 */
import { err, ok, type Result } from '../../core/result';
import type { PrintConfirmation, PrintFailure } from '../../hardware/printer/receipt-printer';
import type { Receipt } from '../../hardware/printer/receipt';
import type { PrinterStatus } from '../../hardware/printer/status';
import type { BallotPrinter } from '../../main/station/printing';

export function receiptText(receipt: Receipt): string {
  return receipt.blocks
    .map((block) => {
      switch (block.kind) {
        case 'text':
          return block.text;
        case 'qr':
          return `[QR ${block.data}]`;
        case 'feed':
          return '';
      }
    })
    .join('\n');
}

export class MemoryPrinter implements BallotPrinter {
  readonly printed: string[] = [];
  private status: PrinterStatus = { state: 'ready' };
  private failures: PrintFailure[] = [];
  private hung = false;

  getStatus(): PrinterStatus {
    return this.status;
  }

  /** The next print fails with `failure`; the printer's state becomes the failure's. */
  failNext(failure: PrintFailure): void {
    this.failures.push(failure);
  }

  /** A poll worker cleared the fault (a new roll, the cover closed): the printer is ready again. */
  cleared(): void {
    this.status = { state: 'ready' };
  }

  /** From now on a print never answers. */
  hang(): void {
    this.hung = true;
  }

  print(receipt: Receipt): Promise<Result<PrintConfirmation, PrintFailure>> {
    if (this.hung) return new Promise(() => undefined);
    const failure = this.failures.shift();
    if (failure !== undefined) {
      if ('status' in failure) this.status = failure.status;
      return Promise.resolve(err(failure));
    }
    this.printed.push(receiptText(receipt));
    return Promise.resolve(ok({ jobId: String(this.printed.length), status: this.status }));
  }
}
