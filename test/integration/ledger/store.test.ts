import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex, type Bytes } from '../../../core/encoding/bytes';
import type { LogKind } from '../../../core/ids';
import { openCheckpoint, stationKeyName } from '../../../core/ledger/checkpoint';
import { encodeEntry } from '../../../core/ledger/entries';
import { leafHash, rootOfEntries, verifyConsistency, verifyInclusion } from '../../../core/ledger/merkle';
import { noteVerifierFromKey } from '../../../core/ledger/note';
import {
  LEDGER_FILE_NAME,
  LedgerReader,
  LedgerStore,
  describeLedgerError,
  internalNodeCount,
  internalNodePosition,
} from '../../../main/ledger/store';
import { loadStationIdentity, provisionStationIdentity } from '../../../main/station/identity';
import { ELECTION, STATION, demoEntry, openStore, stationSigner, tempDir } from './helpers';
import { waitFor } from '../../support/wait-for';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});
function scratch(prefix: string): string {
  const temp = tempDir(prefix);
  cleanups.push(() => temp.cleanup());
  return temp.dir;
}

function flip(bytes: Bytes, bit: number): Bytes {
  const copy = Uint8Array.from(bytes);
  const i = Math.floor(bit / 8) % copy.length;
  copy[i] = (copy[i] as number) ^ (1 << (bit % 8));
  return copy;
}

function openError(dir: string): string {
  const result = LedgerStore.open({
    directory: dir,
    electionId: ELECTION,
    stationId: STATION,
    signer: stationSigner(dir),
  });
  if (result.ok) {
    result.value.close();
    return 'opened';
  }
  return describeLedgerError(result.error);
}

function rawDb(dir: string): Database.Database {
  return new Database(path.join(dir, LEDGER_FILE_NAME));
}

describe('LedgerStore', () => {
  it('runs every connection in WAL with synchronous=FULL and starts both logs with a signed empty checkpoint', () => {
    const dir = scratch('store');
    const store = openStore(dir);
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
    expect(store.size('ballots')).toBe(0);
    expect(store.size('pollbook')).toBe(0);
    const verifier = noteVerifierFromKey(store.verifierKey);
    if (!verifier.ok) throw new Error('bad vkey');
    expect(store.checkpoint('pollbook')).toMatch(
      /^urna\/e2026\/st-042\/pollbook\n0\n47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— urna\/e2026\/st-042 /,
    );
    expect(openCheckpoint(store.checkpoint('ballots'), [verifier.value], 'urna/e2026/st-042/ballots').ok).toBe(true);
    store.close();
    const reader = LedgerReader.openForReading({ directory: dir });
    if (!reader.ok) throw new Error(describeLedgerError(reader.error));
    expect(reader.value.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
    reader.value.close();
  });

  it('keeps node positions in creation order', () => {
    expect(internalNodePosition(1, 0)).toBe(0);
    expect(internalNodePosition(1, 1)).toBe(1);
    expect(internalNodePosition(2, 0)).toBe(2);
    expect(internalNodePosition(1, 2)).toBe(3);
    expect(internalNodeCount(4)).toBe(3);
    expect(internalNodeCount(7)).toBe(4);
  });

  it('for random append sequences, every proof verifies and any flipped bit fails', () => {
    const dir = scratch('prop');
    const store = openStore(dir);
    const verifier = noteVerifierFromKey(store.verifierKey);
    if (!verifier.ok) throw new Error('bad vkey');
    const appended: Record<LogKind, Bytes[]> = { ballots: [], pollbook: [] };
    const roots: Record<LogKind, Bytes[]> = { ballots: [rootOfEntries([])], pollbook: [rootOfEntries([])] };
    let seq = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ log: fc.constantFrom<LogKind>('ballots', 'pollbook'), batch: fc.integer({ min: 1, max: 3 }) }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.nat(),
        fc.nat(),
        (appends, pick, bit) => {
          for (const { log, batch } of appends) {
            const entries = Array.from({ length: batch }, () => demoEntry(seq++, `x${'y'.repeat(seq % 7)}`));
            const receipt = batch === 1 ? store.append(log, entries[0]!) : store.appendBatch(log, entries);
            if (!receipt.ok) throw new Error(describeLedgerError(receipt.error));
            for (const entry of entries) {
              appended[log].push(encodeEntry(entry));
            }
            while (roots[log].length < appended[log].length)
              roots[log].push(rootOfEntries(appended[log].slice(0, roots[log].length)));
            roots[log].push(rootOfEntries(appended[log]));
            expect(toHex(receipt.value.rootHash)).toBe(toHex(rootOfEntries(appended[log])));
          }
          for (const log of ['ballots', 'pollbook'] as const) {
            const size = store.size(log);
            expect(size).toBe(appended[log].length);
            const opened = openCheckpoint(store.checkpoint(log), [verifier.value], store.origin(log));
            if (!opened.ok) throw new Error('checkpoint did not open');
            expect(opened.value.checkpoint.size).toBe(size);
            const root = opened.value.checkpoint.rootHash;
            if (size === 0) continue;
            const treeSize = 1 + (pick % size);
            const index = pick % treeSize;
            const treeRoot = roots[log][treeSize] as Bytes;
            const entry = store.entryText(log, index);
            expect(entry).toBe(new TextDecoder().decode(appended[log][index]));
            const leaf = leafHash(appended[log][index] as Bytes);
            const proof = store.inclusionProof(log, index, treeSize);
            if (!proof.ok) throw new Error('no proof');
            expect(verifyInclusion(leaf, index, treeSize, proof.value, treeRoot)).toBe(true);
            expect(
              verifyInclusion(
                leafHash(flip(appended[log][index] as Bytes, bit)),
                index,
                treeSize,
                proof.value,
                treeRoot,
              ),
            ).toBe(false);
            if (proof.value.length > 0) {
              const bad = proof.value.map((p, i) => (i === bit % proof.value.length ? flip(p, bit) : p));
              expect(verifyInclusion(leaf, index, treeSize, bad, treeRoot)).toBe(false);
            }
            const consistency = store.consistencyProof(log, treeSize, size);
            if (!consistency.ok) throw new Error('no consistency proof');
            expect(verifyConsistency(treeSize, size, treeRoot, root, consistency.value)).toBe(true);
            if (consistency.value.length > 0) {
              const bad = consistency.value.map((p, i) => (i === bit % consistency.value.length ? flip(p, bit) : p));
              expect(verifyConsistency(treeSize, size, treeRoot, root, bad)).toBe(false);
            }
            if (treeSize < size)
              expect(verifyConsistency(treeSize, size, treeRoot, flip(root, bit), consistency.value)).toBe(false);
          }
        },
      ),
      { numRuns: 40 },
    );
    store.close();
    // Reopening re-derives the same state.
    const again = openStore(dir);
    expect(again.size('ballots')).toBe(appended.ballots.length);
    expect(toHex(again.rootHash('pollbook'))).toBe(toHex(rootOfEntries(appended.pollbook)));
    expect(again.entries('ballots', 0, 2).length).toBe(Math.min(2, appended.ballots.length));
    again.close();
  });

  it('copies the WAL into the database once the station is idle, not inside appends', async () => {
    const dir = scratch('idle');
    const store = openStore(dir);
    const file = path.join(dir, LEDGER_FILE_NAME);
    for (let i = 0; i < 5; i++) expect(store.append('ballots', demoEntry(i)).ok).toBe(true);
    const databaseBefore = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    await waitFor(() => statSync(file).size > databaseBefore, {
      what: 'the idle store to copy its WAL into the database',
      timeout: 10_000,
    });
    expect(statSync(file).size).toBeGreaterThan(databaseBefore);
    store.close();
    expect(openStore(dir).size('ballots')).toBe(5);
  });

  it('refuses entries that do not fit the registry, leaving the log unchanged', () => {
    const dir = scratch('invalid');
    const store = openStore(dir);
    const result = store.append('ballots', { type: 'ballot-cast', v: 1 });
    expect(result.ok || result.error.kind).toBe('invalid-entry');
    expect(store.append('ballots', { type: 'demo-note', v: 1, seq: 0, text: 'x', extra: 1 }).ok).toBe(false);
    expect(store.size('ballots')).toBe(0);
    expect(store.inclusionProof('ballots', 0, 1).ok).toBe(false);
    store.close();
  });

  it('refuses a store of another election, station or key', () => {
    const dir = scratch('mismatch');
    openStore(dir).close();
    const other = LedgerStore.open({
      directory: dir,
      electionId: ELECTION,
      stationId: 'st-043' as typeof STATION,
      signer: stationSigner(dir),
    });
    expect(other.ok || other.error.kind).toBe('store-mismatch');
    const stranger = provisionStationIdentity(path.join(scratch('key'), 'k'), stationKeyName(ELECTION, STATION));
    if (!stranger.ok) throw new Error('provision failed');
    const wrongKey = LedgerStore.open({
      directory: dir,
      electionId: ELECTION,
      stationId: STATION,
      signer: stranger.value,
    });
    expect(wrongKey.ok || wrongKey.error.kind).toBe('store-mismatch');
  });
});

describe('tamper and truncation on open', () => {
  function storeWith(n: number, batch = 1): string {
    const dir = scratch('tamper');
    const store = openStore(dir);
    for (let i = 0; i < n; i += batch) {
      const entries = Array.from({ length: Math.min(batch, n - i) }, (_, j) => demoEntry(i + j));
      const r = store.appendBatch('ballots', entries);
      if (!r.ok) throw new Error(describeLedgerError(r.error));
    }
    expect(store.append('pollbook', demoEntry(0))).toMatchObject({ ok: true });
    store.close();
    return dir;
  }

  it('names the first edited entry', () => {
    const dir = storeWith(20);
    const db = rawDb(dir);
    db.prepare('UPDATE entries_ballots SET body = ? WHERE idx = 13').run(
      Buffer.from(JSON.stringify(demoEntry(13, 'forged'))),
    );
    db.close();
    expect(openError(dir)).toMatch(/ballots log failed verification at entry 13:/);
  });

  it('names the edited entry even when the tree nodes were recomputed to match', () => {
    const dir = storeWith(20);
    // Rebuild entries and nodes from a forged history with the real code, then graft its tables on.
    const forged = scratch('forged');
    const fake = openStore(forged);
    for (let i = 0; i < 20; i++)
      expect(fake.append('ballots', i === 6 ? demoEntry(6, 'forged') : demoEntry(i))).toMatchObject({ ok: true });
    fake.close();
    const db = rawDb(dir);
    db.exec(`ATTACH DATABASE '${path.join(forged, LEDGER_FILE_NAME)}' AS forged`);
    db.exec('DELETE FROM entries_ballots; INSERT INTO entries_ballots SELECT * FROM forged.entries_ballots');
    db.exec('DELETE FROM nodes_ballots; INSERT INTO nodes_ballots SELECT * FROM forged.nodes_ballots');
    // The forger also re-sorts the checkpoints so the newest looks right: it cannot sign it under this key.
    db.exec('DETACH DATABASE forged');
    db.close();
    expect(openError(dir)).toMatch(
      /ballots log failed verification at entry 6: entry does not match the signed checkpoint of size 7$/,
    );
  });

  it('names the first missing entry of a truncated log', () => {
    const dir = storeWith(20);
    const db = rawDb(dir);
    db.prepare('DELETE FROM entries_ballots WHERE idx >= 17').run();
    db.prepare('DELETE FROM nodes_ballots WHERE pos >= ?').run(internalNodeCount(17));
    db.close();
    expect(openError(dir)).toMatch(/ballots log failed verification at entry 17: entry is missing/);
  });

  it('names a hole in the middle of the log', () => {
    const dir = storeWith(10);
    const db = rawDb(dir);
    db.prepare('DELETE FROM entries_ballots WHERE idx = 4').run();
    db.close();
    expect(openError(dir)).toMatch(/ballots log failed verification at entry 4:/);
  });

  it('refuses a damaged tree node, a forged checkpoint signature, and names the range of a batch', () => {
    const nodeDir = storeWith(16);
    let db = rawDb(nodeDir);
    db.prepare('UPDATE nodes_ballots SET hash = zeroblob(32) WHERE pos = ?').run(internalNodePosition(2, 1));
    db.close();
    expect(openError(nodeDir)).toMatch(/at entry 4: tree node 2\/1 does not match entries 4..7/);

    const sigDir = storeWith(5);
    db = rawDb(sigDir);
    const row = db.prepare('SELECT note FROM checkpoints_ballots WHERE size = 5').get() as { note: string };
    const lastChar = row.note.at(-4) === 'A' ? 'B' : 'A';
    db.prepare('UPDATE checkpoints_ballots SET note = ? WHERE size = 5').run(
      `${row.note.slice(0, -4)}${lastChar}${row.note.slice(-3)}`,
    );
    db.close();
    expect(openError(sigDir)).toMatch(/ballots log failed verification at entry 4:/);

    const batchDir = storeWith(30, 10);
    db = rawDb(batchDir);
    db.prepare('UPDATE entries_ballots SET body = ? WHERE idx = 15').run(
      Buffer.from(JSON.stringify(demoEntry(15, 'forged'))),
    );
    db.close();
    expect(openError(batchDir)).toMatch(
      /at entry 14: tree node 1\/7 does not match entries 14..15; entries 10..19 no longer match/,
    );
  });

  it('refuses a file that is not a database', () => {
    const dir = storeWith(3);
    const db = rawDb(dir);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const file = path.join(dir, LEDGER_FILE_NAME);
    const bytes = readFileSync(file);
    bytes.fill(0x41, 0, 100);
    writeFileSync(file, bytes);
    expect(openError(dir)).toMatch(/storage error SQLITE_NOTADB/);
  });
});

describe('station identity', () => {
  it('writes the key with mode 0600, refuses to overwrite it, and refuses a readable key file', () => {
    const dir = scratch('identity');
    const keyPath = path.join(dir, 'station.key');
    const made = provisionStationIdentity(keyPath, stationKeyName(ELECTION, STATION));
    if (!made.ok) throw new Error('provision failed');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(made.value.verifierKey).toMatch(/^urna\/e2026\/st-042\+[0-9a-f]{8}\+A/);
    expect(Object.keys(made.value).sort()).toEqual(['keyId', 'name', 'publicKey', 'sign', 'verifierKey']);
    const again = provisionStationIdentity(keyPath, stationKeyName(ELECTION, STATION));
    expect(again.ok || again.error.kind).toBe('already-provisioned');
    const loaded = loadStationIdentity(keyPath);
    expect(loaded.ok && loaded.value.verifierKey).toBe(made.value.verifierKey);
    chmodSync(keyPath, 0o644);
    const exposed = loadStationIdentity(keyPath);
    expect(exposed.ok || exposed.error.kind).toBe('insecure-permissions');
    chmodSync(keyPath, 0o640);
    expect(loadStationIdentity(keyPath).ok).toBe(false);
    expect(loadStationIdentity(path.join(dir, 'absent')).ok).toBe(false);
  });
});
