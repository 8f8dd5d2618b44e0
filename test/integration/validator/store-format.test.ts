import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ElectionId } from '../../../core/ids';
import { describeStoreOpenError, VALIDATOR_DB_FILE, SqliteValidatorStore } from '../../../validator/store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshStore(): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-store-format-'));
  dirs.push(dir);
  const store = SqliteValidatorStore.open(dir, 'e-1' as ElectionId);
  if (!store.ok) throw new Error(describeStoreOpenError(store.error));
  void store.value.close();
  return { dir, file: path.join(dir, VALIDATOR_DB_FILE) };
}

describe('validator store format 2: ballots indexed across the election', () => {
  it('a ballot id and an α are unique across stations in the schema itself', () => {
    const { file } = freshStore();
    const db = new Database(file);
    const ballot = db.prepare('INSERT INTO ballots (station, ballot_id, status, idx) VALUES (?, ?, ?, ?)');
    ballot.run('station-a', 'b-1', 'pending', 1);
    expect(() => ballot.run('station-b', 'b-1', 'pending', 1)).toThrow(/UNIQUE constraint failed: ballots.ballot_id/);
    const alpha = db.prepare('INSERT INTO alphas (alpha, station, idx) VALUES (?, ?, ?)');
    alpha.run(Buffer.alloc(32, 7), 'station-a', 1);
    expect(() => alpha.run(Buffer.alloc(32, 7), 'station-b', 1)).toThrow(/UNIQUE constraint failed: alphas.alpha/);
    db.close();
  });

  it('refuses a format-1 store, saying why and what to do', () => {
    const { dir, file } = freshStore();
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = 'urna-validator/1' WHERE key = 'format'").run();
    db.close();
    const reopened = SqliteValidatorStore.open(dir, 'e-1' as ElectionId);
    expect(reopened.ok).toBe(false);
    if (reopened.ok) return;
    expect(describeStoreOpenError(reopened.error)).toBe(
      'validator store: the store is format urna-validator/1, from before ballots were bound to their station (its ballots no longer verify); start this validator on a new data directory',
    );
  });
});
