/**
 * When the station lets its new entries go to the validators. Pushing each entry as
 * it is appended would give every validator the time of every check-in and every
 * ballot, and a check-in followed a minute later by a ballot pairs them. So the
 * station holds entries back and releases them in batches: once `entries` are
 * waiting (after a random delay of up to `jitterMs`), or when `intervalMs` plus a
 * random part of `jitterMs` has passed since the previous release, whichever comes
 * first. A polls lifecycle entry (opened, paused, resumed, closed, in either log) is
 * public anyway and releases everything at once, so the validators hold the day's
 * last ballots as soon as the polls close.
 *
 * The trade-off: entries not yet released exist only on the station's disk. Losing
 * that disk loses at most one batch (by default 25 entries or about five minutes of
 * voting); the paper records in the box still count those voters.
 */
import { lifecycleStepOf } from '../../core/ledger/entries';
import { LOG_KINDS, type LogKind } from '../../core/ids';

export type SyncBatchPolicy = {
  /** Release once this many entries (both logs together) are waiting. */
  readonly entries: number;
  /** Release what is waiting at the latest this long after the previous release. */
  readonly intervalMs: number;
  /** Up to this much random delay before a release triggered by the count, and on top of every interval. */
  readonly jitterMs: number;
};

/** A polling station's default: 25 entries is about eight voters (check-in, ballot-pending, ballot-cast). */
export const DEFAULT_SYNC_BATCH_POLICY: SyncBatchPolicy = { entries: 25, intervalMs: 5 * 60_000, jitterMs: 60_000 };

/** What the gate reads of the ledger. */
export type BatchSource = {
  size(log: LogKind): number;
  entryTexts(log: LogKind, from: number, to: number): string[];
};

/** Refuses a policy that would never release anything or release on every entry by accident. */
export function checkSyncBatchPolicy(policy: SyncBatchPolicy): SyncBatchPolicy {
  const { entries, intervalMs, jitterMs } = policy;
  if (!Number.isSafeInteger(entries) || entries < 1)
    throw new RangeError(`sync batch: entries must be a whole number of at least 1, not ${entries}`);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new RangeError(`sync batch: intervalMs must be positive, not ${intervalMs}`);
  if (!Number.isFinite(jitterMs) || jitterMs < 0)
    throw new RangeError(`sync batch: jitterMs must be zero or more, not ${jitterMs}`);
  return policy;
}

/** The sizes up to which each log may be pushed; everything above waits for the next release. */
export class SyncBatchGate {
  private readonly released: Record<LogKind, number>;
  private readonly scanned: Record<LogKind, number>;
  private dueAt: number | undefined;
  private intervalEndsAt: number;

  constructor(
    private readonly policy: SyncBatchPolicy,
    private readonly source: BatchSource,
    now: number,
    private readonly random: () => number,
  ) {
    checkSyncBatchPolicy(policy);
    // What is on disk when sync starts (a restart) goes at once: its times are long past.
    this.released = { ballots: source.size('ballots'), pollbook: source.size('pollbook') };
    this.scanned = { ...this.released };
    this.intervalEndsAt = this.nextInterval(now);
  }

  releasedSize(log: LogKind): number {
    return this.released[log];
  }

  /** Entries appended but not yet released, both logs together. */
  waiting(): number {
    return LOG_KINDS.reduce((n, log) => n + this.source.size(log) - this.released[log], 0);
  }

  /** Looks at the ledger at `now`; returns true when it released new entries. */
  tick(now: number): boolean {
    const waiting = this.waiting();
    if (waiting === 0) {
      // An interval that ends with nothing waiting starts again: otherwise the next entry,
      // alone in its batch, would go out the moment it is appended.
      if (now >= this.intervalEndsAt) this.intervalEndsAt = this.nextInterval(now);
      return false;
    }
    if (this.lifecycleEntryWaiting()) return this.release(now);
    if (this.dueAt === undefined && waiting >= this.policy.entries)
      this.dueAt = now + this.random() * this.policy.jitterMs;
    if (this.dueAt === undefined && now >= this.intervalEndsAt) this.dueAt = now;
    if (this.dueAt !== undefined && now >= this.dueAt) return this.release(now);
    return false;
  }

  private release(now: number): true {
    for (const log of LOG_KINDS) this.released[log] = this.source.size(log);
    this.dueAt = undefined;
    this.intervalEndsAt = this.nextInterval(now);
    return true;
  }

  private nextInterval(now: number): number {
    return now + this.policy.intervalMs + this.random() * this.policy.jitterMs;
  }

  private lifecycleEntryWaiting(): boolean {
    let found = false;
    for (const log of LOG_KINDS) {
      const size = this.source.size(log);
      for (const text of this.source.entryTexts(log, this.scanned[log], size)) {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        if (typeof type === 'string' && lifecycleStepOf(type) !== undefined) found = true;
      }
      this.scanned[log] = size;
    }
    return found;
  }
}
