/**
 * When a station lets entries go to the validators, on a real signed ledger with a
 * clock the test moves: the count trigger waits a random part of the jitter, the
 * interval trigger fires only with something waiting and restarts when idle (so a
 * lone entry after a quiet spell is not pushed the moment it is appended), and a
 * polls lifecycle entry releases everything at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../../main/ledger/store';
import { checkSyncBatchPolicy, DEFAULT_SYNC_BATCH_POLICY, SyncBatchGate } from '../../../main/sync/sync-batching';
import { demoEntry, openStore, tempDir } from '../ledger/helpers';

const POLICY = { entries: 5, intervalMs: 10_000, jitterMs: 2_000 };
const dirs: { cleanup: () => void }[] = [];
const stores: LedgerStore[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

function ledger(): LedgerStore {
  const dir = tempDir('sync-batching');
  dirs.push(dir);
  const store = openStore(dir.dir);
  stores.push(store);
  return store;
}

function appendNotes(store: LedgerStore, count: number): void {
  for (let i = 0; i < count; i++) {
    const seq = store.size('pollbook') + store.size('ballots');
    expect(store.append(i % 2 === 0 ? 'pollbook' : 'ballots', demoEntry(seq)).ok).toBe(true);
  }
}

describe('sync batch gate', () => {
  it('releases once the count is reached, after a random part of the jitter, both logs together', () => {
    const store = ledger();
    // random() = 0.5: half the jitter.
    const gate = new SyncBatchGate(POLICY, store, 0, () => 0.5);
    appendNotes(store, 4);
    expect(gate.tick(100)).toBe(false);
    expect(gate.releasedSize('ballots') + gate.releasedSize('pollbook')).toBe(0);
    appendNotes(store, 1);
    expect(gate.tick(200)).toBe(false); // due at 200 + 1000
    appendNotes(store, 2); // arrive during the delay: they go with the batch
    expect(gate.tick(1_100)).toBe(false);
    expect(gate.tick(1_200)).toBe(true);
    expect(gate.releasedSize('pollbook')).toBe(store.size('pollbook'));
    expect(gate.releasedSize('ballots')).toBe(store.size('ballots'));
    expect(gate.waiting()).toBe(0);
  });

  it('releases a short batch when the interval ends, and restarts an interval that ended with nothing waiting', () => {
    const store = ledger();
    const gate = new SyncBatchGate(POLICY, store, 0, () => 0); // intervals of exactly 10 s
    // Nothing waits when the first interval ends: it starts again at 10 s.
    expect(gate.tick(10_000)).toBe(false);
    appendNotes(store, 1);
    // A lone entry appended just after is not pushed at once, but when the new interval ends.
    expect(gate.tick(10_050)).toBe(false);
    expect(gate.tick(19_999)).toBe(false);
    expect(gate.tick(20_000)).toBe(true);
    expect(gate.waiting()).toBe(0);
    appendNotes(store, 2);
    expect(gate.tick(29_999)).toBe(false);
    expect(gate.tick(30_000)).toBe(true);
  });

  it('releases everything at once when the polls open, pause, resume or close', () => {
    const store = ledger();
    const gate = new SyncBatchGate(POLICY, store, 0, () => 0.9);
    appendNotes(store, 2);
    expect(gate.tick(10)).toBe(false);
    expect(store.append('ballots', { type: 'polls-closed', v: 1, ballotsCast: 0 }).ok).toBe(true);
    expect(gate.tick(20)).toBe(true);
    expect(gate.releasedSize('ballots')).toBe(store.size('ballots'));
    expect(gate.releasedSize('pollbook')).toBe(store.size('pollbook'));
  });

  it('takes what is on disk at start as released (a restart), and refuses a policy that cannot work', () => {
    const store = ledger();
    appendNotes(store, 3);
    const gate = new SyncBatchGate(DEFAULT_SYNC_BATCH_POLICY, store, 0, Math.random);
    expect(gate.waiting()).toBe(0);
    expect(() => checkSyncBatchPolicy({ entries: 0, intervalMs: 1000, jitterMs: 0 })).toThrow(
      /entries must be a whole number of at least 1, not 0/,
    );
    expect(() => checkSyncBatchPolicy({ entries: 5, intervalMs: 0, jitterMs: 0 })).toThrow(
      /intervalMs must be positive, not 0/,
    );
    expect(() => checkSyncBatchPolicy({ entries: 5, intervalMs: 1000, jitterMs: -1 })).toThrow(
      /jitterMs must be zero or more, not -1/,
    );
  });
});
