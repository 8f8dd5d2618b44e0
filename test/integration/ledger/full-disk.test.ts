/**
 * A full disk: append fails with a clear, typed error, the log stays valid, and
 * appends resume once space returns. Two ways to fill the disk: a size-limited
 * tmpfs (needs CAP_SYS_ADMIN; skipped where mount is not permitted) and SQLite's
 * max_page_count (always available).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerStore, describeLedgerError, type AppendError } from '../../../main/ledger/store';
import { ELECTION, STATION, demoEntry, openStore, stationSigner, tempDir } from './helpers';

const scratch = tempDir('full');
afterAll(() => scratch.cleanup());

const BIG_TEXT = 'x'.repeat(900);

/** Appends until the store reports a failure; returns it and how many appends succeeded. */
function appendUntilFailure(store: LedgerStore, limit: number): { error: AppendError | undefined; appended: number } {
  for (let i = 0; i < limit; i++) {
    const result = store.append('ballots', demoEntry(store.size('ballots'), BIG_TEXT));
    if (!result.ok) return { error: result.error, appended: i };
  }
  return { error: undefined, appended: limit };
}

function tryMountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  return result.status === 0;
}

describe('full disk', () => {
  it('max_page_count: append fails with disk-full, the log stays valid, appends resume with room', () => {
    const dir = path.join(scratch.dir, 'pages');
    const capped = openStore(dir, { maxPageCount: 40 });
    const { error, appended } = appendUntilFailure(capped, 1000);
    expect(error?.kind).toBe('disk-full');
    if (error === undefined) throw new Error('the cap was never reached');
    expect(describeLedgerError(error)).toMatch(/disk is full: the entry was not recorded and the log is unchanged/);
    expect(appended).toBeGreaterThan(0);
    expect(capped.size('ballots')).toBe(appended);
    // The store still answers reads and proofs, and still refuses while full.
    expect(capped.inclusionProof('ballots', 0, appended).ok).toBe(true);
    expect(capped.append('ballots', demoEntry(appended, BIG_TEXT)).ok).toBe(false);
    capped.close();

    // Reopening (still capped) verifies: the failed appends left nothing behind.
    const reopened = openStore(dir, { maxPageCount: 40 });
    expect(reopened.size('ballots')).toBe(appended);
    reopened.close();

    // Space returns: appends resume and the log verifies.
    const roomy = openStore(dir);
    const more = roomy.append('ballots', demoEntry(appended, BIG_TEXT));
    expect(more.ok && more.value.size).toBe(appended + 1);
    roomy.close();
    expect(openStore(dir).size('ballots')).toBe(appended + 1);
  });

  const mountPoint = path.join(scratch.dir, 'tmpfs');
  const mounted = tryMountTmpfs(mountPoint, '1m');
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint], { stdio: 'ignore' });
  });

  it.skipIf(!mounted)(
    'tmpfs: ENOSPC during append is a typed error, and the same store resumes once a file is deleted',
    () => {
      const dir = path.join(mountPoint, 'station');
      // The key lives off the small disk, so only the ledger competes for space.
      const keyDir = path.join(scratch.dir, 'keys');
      const signer = stationSigner(keyDir);
      const opened = LedgerStore.open({ directory: dir, electionId: ELECTION, stationId: STATION, signer });
      if (!opened.ok) throw new Error(describeLedgerError(opened.error));
      const store = opened.value;
      for (let i = 0; i < 20; i++) expect(store.append('ballots', demoEntry(i, BIG_TEXT)).ok).toBe(true);

      // Fill the rest of the disk with a ballast file.
      const ballast = path.join(mountPoint, 'ballast');
      const fd = openSync(ballast, 'w');
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }

      const { error, appended } = appendUntilFailure(store, 2000);
      expect(error?.kind).toBe('disk-full');
      const sizeWhenFull = store.size('ballots');
      expect(sizeWhenFull).toBe(20 + appended);
      expect(store.append('ballots', demoEntry(sizeWhenFull, BIG_TEXT)).ok).toBe(false);
      expect(store.size('ballots')).toBe(sizeWhenFull);

      rmSync(ballast);
      const resumed = store.append('ballots', demoEntry(sizeWhenFull, BIG_TEXT));
      expect(resumed.ok && resumed.value.size).toBe(sizeWhenFull + 1);
      store.close();

      const again = LedgerStore.open({ directory: dir, electionId: ELECTION, stationId: STATION, signer });
      expect(again.ok && again.value.size('ballots')).toBe(sizeWhenFull + 1);
      if (again.ok) again.value.close();
    },
  );
});
