/**
 * An in-memory receipt printer for unit tests of the casting pipeline: it keeps
 * each printout as text and can be told to fail the way the serial driver
 * reports failures, or to never answer (a hung printer, or a station killed
 * while printing). End-to-end tests use the real driver and the simulator.
 */
import { err, ok, type Result } from '../../core/result';
import type { PrintDocument } from '../../hardware/printer/document';
import type { DocumentPrinter, PrinterFault } from '../../hardware/printer/printer';

/** A failure as a driver reports it: its kind and the printer's state with it. */
type Failure = { readonly kind: PrinterFault['kind']; readonly status: { readonly state: string } };

export function receiptText(receipt: PrintDocument): string {
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

export class MemoryPrinter implements DocumentPrinter {
  readonly printed: string[] = [];
  private current = 'ready';
  private failures: Failure[] = [];
  private hung = false;

  state(): string {
    return this.current;
  }

  /** The next print fails with `failure`; the printer's state becomes the failure's. */
  failNext(failure: Failure): void {
    this.failures.push(failure);
  }

  /** A poll worker cleared the fault (a new roll, the cover closed): the printer is ready again. */
  cleared(): void {
    this.current = 'ready';
  }

  /** The printer reports `state` (a fault a poll worker sees before anything is printed), until `cleared`. */
  setState(state: string): void {
    this.current = state;
  }

  /** From now on a print never answers. */
  hang(): void {
    this.hung = true;
  }

  print(document: PrintDocument): Promise<Result<{ readonly jobId: string }, PrinterFault>> {
    if (this.hung) return new Promise(() => undefined);
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.current = failure.status.state;
      return Promise.resolve(err({ kind: failure.kind, state: failure.status.state }));
    }
    this.printed.push(receiptText(document));
    return Promise.resolve(ok({ jobId: String(this.printed.length) }));
  }
}
