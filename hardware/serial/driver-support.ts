/**
 * What every serial driver does the same way around its own protocol: publish its
 * status (each change once, to every listener, logged with the device's event id;
 * a caller may wait for a status with a deadline) and run one exchange at a time
 * on the port (a caller that cannot get the port in time is told so, never blocked).
 */
import type { HardwareLogger } from '../logger';
import { withTimeout } from './serial-link';

type StatusListener<S> = (status: S) => void;

export class DeviceStatus<S extends { readonly state: string }> {
  private current: S;
  private readonly listeners = new Set<StatusListener<S>>();

  constructor(
    initial: S,
    private readonly options: {
      readonly logger: HardwareLogger;
      /** Event id prefix, e.g. `printer` gives `printer.status-changed`. */
      readonly device: string;
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
    this.options.logger.log(`${this.options.device}.status-changed`, { from: previous.state, to: next.state, detail: next });
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
    const acquired = await withTimeout(previous.then(() => true), timeoutMs, false);
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
