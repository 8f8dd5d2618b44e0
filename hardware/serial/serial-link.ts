import { access } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import type { EventLogger } from '../../core/logging';
import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';

/** The serial devices, as the prefix of their event ids (core/events.ts). */
export type SerialDeviceName = 'printer' | 'card-reader';

export type LinkLostReason = 'port-missing' | 'port-closed' | 'port-error' | 'not-responding';

export type SerialLinkOptions = {
  readonly path: string;
  readonly baudRate?: number;
  readonly logger: EventLogger;
  /** Event id prefix, e.g. `printer` gives `printer.port-opened`. */
  readonly device: SerialDeviceName;
  /** First and longest wait between reopen attempts. */
  readonly reconnectDelayMs?: { readonly initial: number; readonly max: number };
  readonly onOpen: () => void;
  readonly onData: (bytes: Uint8Array) => void;
  readonly onLost: (reason: LinkLostReason) => void;
};

export type WriteFailure = 'not-open' | 'write-failed' | 'timeout';

/**
 * One serial port that opens itself lazily and reopens itself after it goes away.
 * It never throws at its caller: a failure drops the port, reports why once, and
 * schedules a reopen with backoff (polling for the device path to exist again).
 */
export class SerialLink {
  private port: SerialPort | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private lastReportedLoss: LinkLostReason | undefined;
  private readonly initialDelay: number;
  private readonly maxDelay: number;

  constructor(private readonly options: SerialLinkOptions) {
    this.initialDelay = options.reconnectDelayMs?.initial ?? 100;
    this.maxDelay = options.reconnectDelayMs?.max ?? 1000;
    this.delayMs = this.initialDelay;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Writes and waits until the bytes left the host, or until the deadline. */
  async write(bytes: Uint8Array, timeoutMs: number): Promise<Result<void, WriteFailure>> {
    const port = this.port;
    if (!port?.isOpen) return err('not-open');
    const written = new Promise<Result<void, WriteFailure>>((resolve) => {
      port.write(Buffer.from(bytes), (error) => {
        if (error) return resolve(err('write-failed'));
        port.drain((drainError) => resolve(drainError ? err('write-failed') : ok()));
      });
    });
    const outcome = await withTimeout(written, timeoutMs, err('timeout' as const));
    if (!outcome.ok) this.drop('port-error', `write ${outcome.error}`);
    return outcome;
  }

  /** Closes the port after a failure the caller detected (e.g. no answer) and reopens later. */
  drop(reason: LinkLostReason, detail: string): void {
    const port = this.port;
    this.port = undefined;
    if (port) {
      port.removeAllListeners('data');
      port.removeAllListeners('close');
      if (port.isOpen) port.close(() => undefined);
    }
    this.reportLoss(reason, detail);
    if (this.running) this.schedule(this.delayMs);
  }

  private reportLoss(reason: LinkLostReason, detail: string): void {
    if (this.lastReportedLoss !== reason) {
      this.options.logger.log(`${this.options.device}.port-lost`, { path: this.options.path, reason, detail });
    }
    this.lastReportedLoss = reason;
    this.options.onLost(reason);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tryOpen();
    }, delayMs);
    this.delayMs = Math.min(this.maxDelay, Math.max(this.initialDelay, this.delayMs * 2));
  }

  private async tryOpen(): Promise<void> {
    if (!this.running || this.port) return;
    const exists = await access(this.options.path).then(
      () => true,
      () => false,
    );
    if (!this.running || this.port) return;
    if (!exists) {
      this.reportLoss('port-missing', 'device path does not exist');
      this.schedule(this.delayMs);
      return;
    }
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 115200,
      autoOpen: false,
    });
    port.on('error', () => undefined); // every failure surfaces through open/close/write callbacks below
    const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error)));
    if (!this.running) {
      if (port.isOpen) port.close(() => undefined);
      return;
    }
    if (opened) {
      this.reportLoss('port-error', `open failed: ${opened.message}`);
      this.schedule(this.delayMs);
      return;
    }
    this.port = port;
    this.delayMs = this.initialDelay;
    this.lastReportedLoss = undefined;
    port.on('data', (chunk: Buffer) => {
      if (this.port === port) this.options.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    port.on('close', () => {
      if (this.port === port) this.drop('port-closed', 'the device closed the port');
    });
    this.options.logger.log(`${this.options.device}.port-opened`, { path: this.options.path });
    this.options.onOpen();
  }
}

/** Resolves with `fallback` if `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}
