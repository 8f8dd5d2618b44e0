import { concatBytes } from '../../core/encoding/bytes';
import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';
import type { HardwareLogger } from '../logger';
import { DeviceStatus, PortLock } from '../serial/driver-support';
import { SerialLink, withTimeout } from '../serial/serial-link';
import type { LinkLostReason } from '../serial/serial-link';
import * as escpos from './escpos';
import { encodeReceipt } from './receipt';
import type { Receipt, ReceiptError } from './receipt';
import { PrinterResponseParser } from './response-parser';
import type { PrinterResponse } from './response-parser';
import { canPrint, decodeAutomaticStatus, decodeRealtimeStatus, reducePrinterStatus, sameStatus } from './status';
import type { PrinterEvent, PrinterStatus } from './status';

export type ReceiptPrinterOptions = {
  /** Serial device path, e.g. /dev/ttyUSB0 or a socat pty link. */
  readonly path: string;
  readonly logger: HardwareLogger;
  readonly baudRate?: number;
  /** How often the status is read while idle (also how fast silence is noticed). */
  readonly pollIntervalMs?: number;
  /** How long to wait for the answer to one DLE EOT round. */
  readonly responseTimeoutMs?: number;
  /** Default limit for a whole print job, from call to confirmed status. */
  readonly printTimeoutMs?: number;
  readonly reconnectDelayMs?: { readonly initial: number; readonly max: number };
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

type StatusListener = (status: PrinterStatus) => void;
/** A DLE EOT answer byte, with how many GS a blocks had arrived before it. */
type RealtimeReply = { readonly byte: number; readonly automaticStatusCount: number };

/**
 * The ESC/POS receipt printer driver. It opens the port lazily, reopens it after an
 * unplug, keeps the status current (DLE EOT polling plus GS a automatic status),
 * reports each change once, and never throws at or blocks its caller for longer
 * than the caller's timeout.
 */
export class ReceiptPrinter {
  private readonly deviceStatus: DeviceStatus<PrinterStatus>;
  private readonly parser = new PrinterResponseParser();
  private readonly link: SerialLink;
  private realtimeWaiters: ((reply: RealtimeReply | undefined) => void)[] = [];
  /** Counts automatic status blocks, so a status read never overwrites a newer GS a block. */
  private automaticStatusCount = 0;
  private readonly processIdWaiters = new Map<string, () => void>();
  private readonly portLock = new PortLock();
  private pollTimer: NodeJS.Timeout | undefined;
  private running = false;
  private jobCounter = 0;
  private readonly pollIntervalMs: number;
  private readonly responseTimeoutMs: number;
  private readonly printTimeoutMs: number;
  private strayBytes = 0;

  constructor(private readonly options: ReceiptPrinterOptions) {
    this.deviceStatus = new DeviceStatus<PrinterStatus>({ state: 'disconnected', reason: 'not-started' }, { logger: options.logger, device: 'printer', same: sameStatus });
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 500;
    this.printTimeoutMs = options.printTimeoutMs ?? 15_000;
    this.link = new SerialLink({
      path: options.path,
      baudRate: options.baudRate,
      logger: options.logger,
      device: 'printer',
      reconnectDelayMs: options.reconnectDelayMs,
      onOpen: () => this.handleOpen(),
      onData: (bytes) => this.handleData(bytes),
      onLost: (reason) => this.handleLost(reason),
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.logger.log('printer.driver-started', { path: this.options.path });
    this.link.start();
    this.schedulePoll(this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.failPendingWaits();
    await this.link.stop();
    this.options.logger.log('printer.driver-stopped', { path: this.options.path });
  }

  getStatus(): PrinterStatus {
    return this.deviceStatus.get();
  }

  /** Calls `listener` on every status change (once per change). Returns an unsubscribe function. */
  onStatusChange(listener: StatusListener): () => void {
    return this.deviceStatus.onChange(listener);
  }

  /** Resolves with the first status that satisfies `predicate`, or undefined after `timeoutMs`. */
  waitForStatus(predicate: (status: PrinterStatus) => boolean, timeoutMs: number): Promise<PrinterStatus | undefined> {
    return this.deviceStatus.waitFor(predicate, timeoutMs);
  }

  /** Reads DLE EOT 1..4 now (waiting for a running job at most `timeoutMs`). */
  async refreshStatus(timeoutMs = this.responseTimeoutMs * 2): Promise<PrinterStatus> {
    const outcome = await this.portLock.exclusive(timeoutMs, async () => {
      await this.readStatus();
    });
    if (!outcome) this.options.logger.log('printer.status-refresh-skipped', { reason: 'busy' });
    return this.deviceStatus.get();
  }

  /**
   * Prints a receipt and resolves only once the printer has confirmed it: the
   * process id attached after the cut comes back (the printer sends it after the
   * data before it has been printed) and the status read after that is ready.
   */
  async print(receipt: Receipt, options: { readonly timeoutMs?: number } = {}): Promise<Result<PrintConfirmation, PrintFailure>> {
    const timeoutMs = options.timeoutMs ?? this.printTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const encoded = encodeReceipt(receipt);
    if (!encoded.ok) {
      this.options.logger.log('printer.print-rejected', { reason: encoded.error.kind });
      return err({ kind: 'invalid-receipt', error: encoded.error });
    }
    if (encoded.value.unmappable.length > 0) {
      this.options.logger.log('printer.unmappable-characters', { characters: [...new Set(encoded.value.unmappable)].join('') });
    }
    let result: Result<PrintConfirmation, PrintFailure> = err({ kind: 'busy' });
    const job = this.portLock.exclusive(timeoutMs, async () => {
      result = await this.runJob(encoded.value.bytes, deadline);
    });
    // Every step inside is bounded, but the read-back after the deadline may still be
    // running: the caller gets its answer on time, and an unconfirmed print is a failure.
    const ran = await withTimeout<boolean | 'late'>(job, Math.max(0, deadline - Date.now()) + 50, 'late');
    if (ran === 'late') {
      this.options.logger.log('printer.print-failed', { kind: 'not-confirmed', reason: 'caller timeout' });
      return err({ kind: 'not-confirmed', status: this.deviceStatus.get() });
    }
    if (!ran) this.options.logger.log('printer.print-failed', { kind: 'busy' });
    return result;
  }

  private async runJob(receiptBytes: Uint8Array, deadline: number): Promise<Result<PrintConfirmation, PrintFailure>> {
    const before = this.link.isOpen ? await this.readStatus() : undefined;
    if (!before || !canPrint(before)) {
      const status = before ?? this.deviceStatus.get();
      this.options.logger.log('printer.print-failed', { kind: 'not-ready', state: status.state });
      return err({ kind: 'not-ready', status });
    }
    this.jobCounter = (this.jobCounter + 1) % 36 ** 4;
    const jobId = this.jobCounter.toString(36).padStart(4, '0');
    let printed = false;
    const confirmed = new Promise<void>((resolve) => {
      this.processIdWaiters.set(jobId, () => {
        printed = true;
        resolve();
      });
    });
    this.options.logger.log('printer.print-started', { jobId, bytes: receiptBytes.length });
    const job = concatBytes(receiptBytes, escpos.automaticStatusBack(escpos.ASB_ALL), escpos.requestProcessId(jobId));
    const written = await this.link.write(job, Math.max(1, deadline - Date.now()));
    if (!written.ok) {
      this.processIdWaiters.delete(jobId);
      return this.failJob(jobId, { kind: 'print-failed', status: this.deviceStatus.get() });
    }
    // Wait for the confirmation, reading the real-time status between waits so a
    // fault (paper out, cover open, cutter jam) or silence ends the wait at once.
    while (!printed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await withTimeout(confirmed, Math.min(this.pollIntervalMs, remaining), undefined);
      if (printed) break;
      const during = await this.readStatus();
      if (!during) return this.failJob(jobId, { kind: 'print-failed', status: this.deviceStatus.get() });
      if (!canPrint(during)) return this.failJob(jobId, { kind: 'print-failed', status: during });
    }
    this.processIdWaiters.delete(jobId);
    if (!printed) {
      const status = (await this.readStatus()) ?? this.deviceStatus.get();
      return this.failJob(jobId, canPrint(status) ? { kind: 'not-confirmed', status } : { kind: 'print-failed', status });
    }
    const after = await this.readStatus();
    if (!after || !canPrint(after)) return this.failJob(jobId, { kind: 'print-failed', status: after ?? this.deviceStatus.get() });
    this.options.logger.log('printer.printed', { jobId, state: after.state });
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
    const state = 'status' in failure ? failure.status.state : undefined;
    this.options.logger.log('printer.print-failed', { jobId, kind: failure.kind, state });
    return err(failure);
  }

  /** DLE EOT 1..4 in one round; on silence the port is dropped and the printer is disconnected. */
  private async readStatus(): Promise<PrinterStatus | undefined> {
    if (!this.link.isOpen) return undefined;
    const replies = [1, 2, 3, 4].map(() => new Promise<RealtimeReply | undefined>((resolve) => this.realtimeWaiters.push(resolve)));
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
      this.apply({ type: 'status-read', condition: decodeRealtimeStatus({ printer, offlineCause, errorCause, paperSensor }) });
    }
    return this.deviceStatus.get();
  }

  private handleOpen(): void {
    this.parser.reset();
    this.failPendingWaits();
    this.options.logger.log('printer.connected', { path: this.options.path });
    void this.link.write(escpos.automaticStatusBack(escpos.ASB_ALL), this.responseTimeoutMs);
    this.schedulePoll(0);
  }

  private handleLost(reason: LinkLostReason): void {
    this.parser.reset();
    this.failPendingWaits();
    this.apply({ type: 'connection-lost', reason });
  }

  private handleData(bytes: Uint8Array): void {
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

  private apply(event: PrinterEvent): void {
    this.deviceStatus.set(reducePrinterStatus(this.deviceStatus.get(), event));
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    if (this.link.isOpen && !this.portLock.busy) {
      await this.portLock.exclusive(this.responseTimeoutMs, async () => {
        await this.readStatus();
      });
    }
    this.schedulePoll(this.pollIntervalMs);
  }
}
