/**
 * The validator's clock, coarsened. A station releases its entries in batches
 * (main/sync/sync-batching.ts) so that no validator learns when each voter checked
 * in or cast; a validator that then wrote the millisecond of each batch into its
 * event log, its cosignatures or its evidence would hand those times to anyone who
 * reads them. So every time the validator records or serves — event log lines,
 * cosignature timestamps, evidence rows, the HTTP Date header — is rounded down to
 * the start of its window (`timeWindowSeconds`, default 300 s).
 */
export const DEFAULT_TIME_WINDOW_SECONDS = 300;

export class TimeWindow {
  constructor(
    readonly seconds: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(seconds) || seconds < 1)
      throw new RangeError(`time window must be a whole number of seconds of at least 1, not ${seconds}`);
  }

  /** Milliseconds since the epoch at the start of the current window. */
  nowMs(): number {
    const windowMs = this.seconds * 1000;
    return Math.floor(this.clock() / windowMs) * windowMs;
  }

  /** Seconds since the epoch at the start of the current window (cosignature/v1 timestamps). */
  nowSeconds(): number {
    return this.nowMs() / 1000;
  }

  /** ISO 8601 at the start of the current window, without fractions of a second. */
  nowIso(): string {
    return new Date(this.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** RFC 9110 HTTP-date at the start of the current window. */
  nowHttpDate(): string {
    return new Date(this.nowMs()).toUTCString();
  }
}

export const DEFAULT_TIME_WINDOW = new TimeWindow(DEFAULT_TIME_WINDOW_SECONDS);
