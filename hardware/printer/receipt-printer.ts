import { concatBytes } from '../../core/encoding/bytes';
import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';
import { SerialDriver } from '../serial/driver-support';
import type { SerialDriverOptions } from '../serial/driver-support';
import { withTimeout } from '../serial/serial-link';
import * as escpos from './escpos';
import { encodeReceipt } from './receipt';
import type { PrintDocument } from './document';
import type { ReceiptError } from './receipt';
import { PrinterResponseParser } from './response-parser';
import type { PrinterResponse } from './response-parser';
import { canPrint, decodeAutomaticStatus, decodeRealtimeStatus, reducePrinterStatus, sameStatus } from './status';
import type { PrinterEvent, PrinterStatus } from './status';

/** `responseTimeoutMs` is how long to wait for the answer to one DLE EOT round. */
export type ReceiptPrinterOptions = SerialDriverOptions & {
  /** Default limit for a whole print job, from call to confirmed status. */
  readonly printTimeoutMs?: number;
};

export type PrintConfirmation = { readonly jobId: string; readonly status: PrinterStatus };

/**
 * Why a print did not happen or cannot be confirmed. `not-ready` means nothing was
 * sent; every other failure means part of the receipt may be on paper, so the
 * ballot stays pending and the poll worker decides.
 */
export type PrintFailure =
  | { readonly kind: 'invalid-receipt'; readonly error: ReceiptError }
  | { readonly kind: 'not-ready'; readonly status: PrinterStatus }
  | { readonly kind: 'print-failed'; readonly status: PrinterStatus }
  | { readonly kind: 'not-confirmed'; readonly status: PrinterStatus }
  | { readonly kind: 'busy' };

/** A DLE EOT answer byte, with how many GS a blocks had arrived before it. */
type RealtimeReply = { readonly byte: number; readonly automaticStatusCount: number };

/**
 * The ESC/POS receipt printer driver. It opens the port lazily, reopens it after an
 * unplug, keeps the status current (DLE EOT polling plus GS a automatic status),
 * reports each change once, and never throws at or blocks its caller for longer
 * than the caller's timeout.
 */
export class ReceiptPrinter extends SerialDriver<PrinterStatus, PrinterEvent> {
  private readonly parser = new PrinterResponseParser();
  private realtimeWaiters: ((reply: RealtimeReply | undefined) => void)[] = [];
  /** Counts automatic status blocks, so a status read never overwrites a newer GS a block. */
  private automaticStatusCount = 0;
  private readonly processIdWaiters = new Map<string, () => void>();
  private jobCounter = 0;
  private readonly printTimeoutMs: number;
  private strayBytes = 0;

  constructor(protected override readonly options: ReceiptPrinterOptions) {
    super(options, {
      device: 'printer',
      initial: { state: 'disconnected', reason: 'not-started' },
      same: sameStatus,
      reduce: reducePrinterStatus,
      // A printer answers DLE EOT within milliseconds; 1 s leaves room for a busy
      // station (500 ms dropped healthy printers under load, forcing reprints) and,
      // with the 500 ms poll, still reports a silent printer within 2 s.
      responseTimeoutMs: 1000,
    });
    this.printTimeoutMs = options.printTimeoutMs ?? 15_000;
  }

  /** Reads DLE EOT 1..4 now (waiting for a running job at most `timeoutMs`). */
  async refreshStatus(timeoutMs = this.responseTimeoutMs * 2): Promise<PrinterStatus> {
    const outcome = await this.portLock.exclusive(timeoutMs, async () => {
      await this.readStatus();
    });
    if (!outcome) this.options.logger.log('printer.status-refresh-skipped', { reason: 'busy' });
    return this.getStatus();
  }

  /**
   * Prints a receipt and resolves only once the printer has confirmed it: the
   * process id attached after the cut comes back (the printer sends it after the
   * data before it has been printed) and the status read after that is ready.
   */
  async print(
    receipt: PrintDocument,
    options: { readonly timeoutMs?: number } = {},
  ): Promise<Result<PrintConfirmation, PrintFailure>> {
    const timeoutMs = options.timeoutMs ?? this.printTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const encoded = encodeReceipt(receipt);
    // The result of a print is the caller's to log (as what happened to the person's ballot or report), not the driver's.
    if (!encoded.ok) return err({ kind: 'invalid-receipt', error: encoded.error });
    if (encoded.value.unmappable.length > 0) {
      this.options.logger.log('printer.unmappable-characters', {
        characters: [...new Set(encoded.value.unmappable)].join(''),
      });
    }
    let result: Result<PrintConfirmation, PrintFailure> = err({ kind: 'busy' });
    const job = this.portLock.exclusive(timeoutMs, async () => {
      result = await this.runJob(encoded.value.bytes, deadline);
    });
    // Every step inside is bounded, but the read-back after the deadline may still be
    // running: the caller gets its answer on time, and an unconfirmed print is a failure.
    const ran = await withTimeout<boolean | 'late'>(job, Math.max(0, deadline - Date.now()) + 50, 'late');
    if (ran === 'late') return err({ kind: 'not-confirmed', status: this.getStatus() });
    return result;
  }

  private async runJob(receiptBytes: Uint8Array, deadline: number): Promise<Result<PrintConfirmation, PrintFailure>> {
    const before = this.link.isOpen ? await this.readStatus() : undefined;
    if (!before || !canPrint(before)) return err({ kind: 'not-ready', status: before ?? this.getStatus() });
    this.jobCounter = (this.jobCounter + 1) % 36 ** 4;
    const jobId = this.jobCounter.toString(36).padStart(4, '0');
    let printed = false;
    const confirmed = new Promise<void>((resolve) => {
      this.processIdWaiters.set(jobId, () => {
        printed = true;
        resolve();
      });
    });
    const job = concatBytes(receiptBytes, escpos.automaticStatusBack(escpos.ASB_ALL), escpos.requestProcessId(jobId));
    const written = await this.link.write(job, Math.max(1, deadline - Date.now()));
    if (!written.ok) {
      this.processIdWaiters.delete(jobId);
      return this.failJob(jobId, { kind: 'print-failed', status: this.getStatus() });
    }
    // Wait for the confirmation, reading the real-time status between waits so a
    // fault (paper out, cover open, cutter jam) or silence ends the wait at once.
    while (!printed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await withTimeout(confirmed, Math.min(this.pollIntervalMs, remaining), undefined);
      if (printed) break;
      const during = await this.readStatus();
      if (!during) return this.failJob(jobId, { kind: 'print-failed', status: this.getStatus() });
      if (!canPrint(during)) return this.failJob(jobId, { kind: 'print-failed', status: during });
    }
    this.processIdWaiters.delete(jobId);
    if (!printed) {
      const status = (await this.readStatus()) ?? this.getStatus();
      return this.failJob(
        jobId,
        canPrint(status) ? { kind: 'not-confirmed', status } : { kind: 'print-failed', status },
      );
    }
    const after = await this.readStatus();
    if (!after || !canPrint(after))
      return this.failJob(jobId, { kind: 'print-failed', status: after ?? this.getStatus() });
    return ok({ jobId, status: after });
  }

  /** Clears the printer's buffers so the rest of a failed job cannot print later. */
  private async failJob(jobId: string, failure: PrintFailure): Promise<Result<PrintConfirmation, PrintFailure>> {
    this.processIdWaiters.delete(jobId);
    if (this.link.isOpen) {
      const cleared = await this.link.write(escpos.clearBuffers(), this.responseTimeoutMs);
      // The printer handles bytes in order, so an answered status read means the clear was done.
      if (cleared.ok) await this.readStatus();
    }
    return err(failure);
  }

  /** DLE EOT 1..4 in one round; on silence the port is dropped and the printer is disconnected. */
  private async readStatus(): Promise<PrinterStatus | undefined> {
    if (!this.link.isOpen) return undefined;
    const replies = [1, 2, 3, 4].map(
      () => new Promise<RealtimeReply | undefined>((resolve) => this.realtimeWaiters.push(resolve)),
    );
    const request = concatBytes(...([1, 2, 3, 4] as const).map((n) => escpos.realtimeStatusRequest(n)));
    const written = await this.link.write(request, this.responseTimeoutMs);
    if (!written.ok) {
      this.failPendingWaits();
      return undefined;
    }
    const answers = await withTimeout(Promise.all(replies), this.responseTimeoutMs, undefined);
    const [printer, offlineCause, errorCause, paperSensor] = (answers ?? []).map((reply) => reply?.byte);
    const countAtLastReply = answers?.[3]?.automaticStatusCount;
    if (printer === undefined || offlineCause === undefined || errorCause === undefined || paperSensor === undefined) {
      this.link.drop('not-responding', 'no answer to DLE EOT');
      return undefined;
    }
    // The answer is applied after an await; a GS a block that arrived after its last
    // byte is newer, and wins.
    if (countAtLastReply === this.automaticStatusCount) {
      this.apply({
        type: 'status-read',
        condition: decodeRealtimeStatus({ printer, offlineCause, errorCause, paperSensor }),
      });
    }
    return this.getStatus();
  }

  /** Asks for automatic status (GS a) as soon as the port opens. */
  protected override greet(): void {
    // A write that fails here leaves the printer on the idle status poll, which reads the same status; a dead link heals itself.
    void this.link.write(escpos.automaticStatusBack(escpos.ASB_ALL), this.responseTimeoutMs);
  }

  protected onSerialBytes(bytes: Uint8Array): void {
    for (const response of this.parser.push(bytes)) this.handleResponse(response);
  }

  private handleResponse(response: PrinterResponse): void {
    switch (response.kind) {
      case 'realtime-status': {
        const waiter = this.realtimeWaiters.shift();
        if (waiter) waiter({ byte: response.byte, automaticStatusCount: this.automaticStatusCount });
        else this.noteStray(1);
        return;
      }
      case 'automatic-status':
        this.automaticStatusCount += 1;
        this.apply({ type: 'automatic-status', condition: decodeAutomaticStatus(response.block) });
        return;
      case 'process-id': {
        const waiter = this.processIdWaiters.get(response.id);
        if (waiter) waiter();
        else this.noteStray(7);
        return;
      }
      case 'unexpected-bytes':
        this.noteStray(response.count);
        return;
    }
  }

  /** Counts bytes that fit no answer; logs the first and then every 1000th, not each one. */
  private noteStray(count: number): void {
    const before = this.strayBytes;
    this.strayBytes += count;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.strayBytes / 1000)) {
      this.options.logger.log('printer.unexpected-bytes', { total: this.strayBytes });
    }
  }

  private failPendingWaits(): void {
    const waiters = this.realtimeWaiters;
    this.realtimeWaiters = [];
    for (const waiter of waiters) waiter(undefined);
  }

  protected abandonExchanges(): void {
    this.parser.reset();
    this.failPendingWaits();
  }

  protected async pollStatus(): Promise<void> {
    await this.readStatus();
  }
}
