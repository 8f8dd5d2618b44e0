import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../core/encoding/bytes';
import { rootOfEntries, sha256Hasher } from '../../../core/ledger/merkle';
import { nodeMerkleHasher } from '../../../storage/merkle-hasher';
import { openDurableSqlite } from '../../../storage/sqlite';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDurableSqlite', () => {
  it('opens in WAL with synchronous=FULL and a busy timeout', () => {
    const db = openDurableSqlite(path.join(tempDir(), 'a.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('caps the size when asked', () => {
    const db = openDurableSqlite(path.join(tempDir(), 'a.sqlite'), { maxPageCount: 64 });
    expect(db.pragma('max_page_count', { simple: true })).toBe(64);
    db.close();
  });

  it('refuses a missing file when it must exist', () => {
    expect(() => openDurableSqlite(path.join(tempDir(), 'missing.sqlite'), { fileMustExist: true })).toThrow(
      /unable to open|does not exist/,
    );
  });

  it('opens a reader beside the writer that cannot write', () => {
    const file = path.join(tempDir(), 'a.sqlite');
    const writer = openDurableSqlite(file);
    writer.exec('CREATE TABLE t (x INTEGER)');
    const reader = openDurableSqlite(file, { readonly: true });
    expect(reader.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(() => reader.exec('INSERT INTO t VALUES (1)')).toThrow(/readonly/);
    reader.close();
    writer.close();
  });
});

describe('nodeMerkleHasher', () => {
  it('computes exactly the hashes of the portable hasher', () => {
    const entries = Array.from({ length: 37 }, (_, i) => utf8Encode(`entry ${i}`));
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(nodeMerkleHasher.leaf(entries[0]!))).toBe(hex(sha256Hasher.leaf(entries[0]!)));
    const left = sha256Hasher.leaf(entries[1]!);
    const right = sha256Hasher.leaf(entries[2]!);
    expect(hex(nodeMerkleHasher.node(left, right))).toBe(hex(sha256Hasher.node(left, right)));
    expect(hex(rootOfEntries(entries, nodeMerkleHasher))).toBe(hex(rootOfEntries(entries, sha256Hasher)));
  });
});
