/**
 * What every serial driver does the same way around its own protocol: publish its
 * status (each change once, to every listener, logged with the device's event id;
 * a caller may wait for a status with a deadline), run one exchange at a time on
 * the port (a caller that cannot get the port in time is told so, never blocked),
 * and live on a self-healing link with a status poll while idle (SerialDriver).
 */
import type { EventLogger } from '../../core/logging';
import { SerialLink, withTimeout } from './serial-link';
import type { LinkLostReason, SerialDeviceName } from './serial-link';

type StatusListener<S> = (status: S) => void;

export class StatusPublisher<S extends { readonly state: string }> {
  private current: S;
  private readonly listeners = new Set<StatusListener<S>>();

  constructor(
    initial: S,
    private readonly options: {
      readonly logger: EventLogger;
      /** Event id prefix, e.g. `printer` gives `printer.status-changed`. */
      readonly device: SerialDeviceName;
      /** Whether `next` is no change from `previous` (nothing is logged or reported then). */
      readonly same: (previous: S, next: S) => boolean;
    },
  ) {
    this.current = initial;
  }

  get(): S {
    return this.current;
  }

  /** Takes the new status; listeners hear of it only if it differs from the last one. */
  set(next: S): void {
    const previous = this.current;
    this.current = next;
    if (this.options.same(previous, next)) return;
    this.options.logger.log(`${this.options.device}.status-changed`, {
      from: previous.state,
      to: next.state,
      detail: next,
    });
    for (const listener of [...this.listeners]) listener(next);
  }

  /** Calls `listener` on every status change (once per change). Returns an unsubscribe function. */
  onChange(listener: StatusListener<S>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first status that satisfies `predicate`, or undefined after `timeoutMs`. */
  waitFor(predicate: (status: S) => boolean, timeoutMs: number): Promise<S | undefined> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(undefined);
      }, timeoutMs);
      const unsubscribe = this.onChange((status) => {
        if (!predicate(status)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(status);
      });
    });
  }
}

/** One exchange at a time on a port, in call order. */
export class PortLock {
  private lock: Promise<void> = Promise.resolve();
  private running = false;

  /** An exchange holds the port (idle polling skips its turn then). */
  get busy(): boolean {
    return this.running;
  }

  /** Runs `task` alone on the port; gives up (false) if the port is not free within `timeoutMs`. */
  async exclusive(timeoutMs: number, task: () => Promise<void>): Promise<boolean> {
    const previous = this.lock;
    let release: () => void = () => undefined;
    this.lock = new Promise<void>((resolve) => (release = resolve));
    const acquired = await withTimeout(
      previous.then(() => true),
      timeoutMs,
      false,
    );
    if (!acquired) {
      void previous.then(release);
      return false;
    }
    this.running = true;
    try {
      await task();
    } finally {
      this.running = false;
      release();
    }
    return true;
  }
}

/** How every serial driver is configured (a driver may take more). */
export type SerialDriverOptions = {
  /** Serial device path, e.g. /dev/ttyUSB0 or a socat pty link. */
  readonly path: string;
  readonly logger: EventLogger;
  readonly baudRate?: number;
  /** How often the status is read while idle (also how fast silence is noticed). */
  readonly pollIntervalMs?: number;
  /** How long to wait for the device's answer to one request. */
  readonly responseTimeoutMs?: number;
  readonly reconnectDelayMs?: { readonly initial: number; readonly max: number };
};

type ConnectionLost = { readonly type: 'connection-lost'; readonly reason: LinkLostReason };

/** What a driver tells SerialDriver about its device's status. */
export type SerialDevice<S, E> = {
  /** Event id prefix: `printer` gives `printer.driver-started`, `printer.status-changed`, … */
  readonly device: SerialDeviceName;
  /** The status before the port has ever opened. */
  readonly initial: S;
  /** Whether `next` is no change from `previous` (nothing is logged or reported then). */
  readonly same: (previous: S, next: S) => boolean;
  /** The device's status reducer. */
  readonly reduce: (status: S, event: E | ConnectionLost) => S;
  /** `responseTimeoutMs` when the options do not say. */
  readonly responseTimeoutMs: number;
};

/**
 * The life of a serial driver around its own protocol: it opens its link lazily and
 * lets it reopen after an unplug, forgets every half-done exchange when the link
 * opens, is lost or stops, reads the status while idle, and publishes each change.
 * A driver adds its protocol: what it does with the bytes it receives, its idle
 * status request, and what it forgets.
 */
export abstract class SerialDriver<S extends { readonly state: string }, E> {
  protected readonly link: SerialLink;
  protected readonly portLock = new PortLock();
  protected readonly pollIntervalMs: number;
  protected readonly responseTimeoutMs: number;
  private readonly statusPublisher: StatusPublisher<S>;
  private running = false;
  private pollTimer: NodeJS.Timeout | undefined;

  protected constructor(
    protected readonly options: SerialDriverOptions,
    private readonly device: SerialDevice<S, E>,
  ) {
    this.statusPublisher = new StatusPublisher<S>(device.initial, {
      logger: options.logger,
      device: device.device,
      same: device.same,
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.responseTimeoutMs = options.responseTimeoutMs ?? device.responseTimeoutMs;
    this.link = new SerialLink({
      path: options.path,
      baudRate: options.baudRate,
      logger: options.logger,
      device: device.device,
      reconnectDelayMs: options.reconnectDelayMs,
      onOpen: () => this.handleOpen(),
      onData: (bytes) => this.onSerialBytes(bytes),
      onLost: (reason) => this.handleLost(reason),
    });
  }

  /** The device's bytes, as they arrive. */
  protected abstract onSerialBytes(bytes: Uint8Array): void;

  /** Drops half-read input and answers every waiting request with nothing. */
  protected abstract abandonExchanges(): void;

  /** One status request while idle; runs under the port lock. */
  protected abstract pollStatus(): Promise<void>;

  /** What the device is told as soon as its port opens (nothing, unless a driver says). */
  protected greet(): void {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.logger.log(`${this.device.device}.driver-started`, { path: this.options.path });
    this.link.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.abandonExchanges();
    await this.link.stop();
    this.options.logger.log(`${this.device.device}.driver-stopped`, { path: this.options.path });
  }

  getStatus(): S {
    return this.statusPublisher.get();
  }

  /** Calls `listener` on every status change (once per change). Returns an unsubscribe function. */
  onStatusChange(listener: StatusListener<S>): () => void {
    return this.statusPublisher.onChange(listener);
  }

  /** Resolves with the first status that satisfies `predicate`, or undefined after `timeoutMs`. */
  waitForStatus(predicate: (status: S) => boolean, timeoutMs: number): Promise<S | undefined> {
    return this.statusPublisher.waitFor(predicate, timeoutMs);
  }

  protected apply(event: E | ConnectionLost): void {
    this.statusPublisher.set(this.device.reduce(this.statusPublisher.get(), event));
  }

  private handleOpen(): void {
    this.abandonExchanges();
    this.options.logger.log(`${this.device.device}.connected`, { path: this.options.path });
    this.greet();
    this.schedulePoll(0);
  }

  private handleLost(reason: LinkLostReason): void {
    this.abandonExchanges();
    this.apply({ type: 'connection-lost', reason });
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
  }

  /** Skips its turn while an exchange holds the port. */
  private async poll(): Promise<void> {
    if (this.link.isOpen && !this.portLock.busy)
      await this.portLock.exclusive(this.responseTimeoutMs, () => this.pollStatus());
    this.schedulePoll(this.pollIntervalMs);
  }
}
