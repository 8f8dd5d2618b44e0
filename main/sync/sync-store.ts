/**
 * What the sync client must not forget across restarts: per validator and log, the
 * size the validator has acknowledged, and every valid cosignature collected.
 * SQLite in the station's data folder (sync.sqlite), WAL with synchronous=FULL.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LogKind } from '../../core/ids';
import { openDurableSqlite } from '../../storage/sqlite';

export const SYNC_DB_FILE = 'sync.sqlite';

export class SyncStore {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      acked: db.prepare<[string, string], { size: number }>('SELECT size FROM acked WHERE validator = ? AND log = ?'),
      setAcked: db.prepare<[string, string, number]>(
        'INSERT INTO acked (validator, log, size) VALUES (?, ?, ?) ON CONFLICT (validator, log) DO UPDATE SET size = excluded.size',
      ),
      addCosignature: db.prepare<[string, number, string, string]>(
        'INSERT OR REPLACE INTO cosignatures (log, size, validator, line) VALUES (?, ?, ?, ?)',
      ),
      hasCosignature: db.prepare<[string, number, string], { n: number }>(
        'SELECT count(*) AS n FROM cosignatures WHERE log = ? AND size = ? AND validator = ?',
      ),
      bestCosigned: db.prepare<[string, string], { size: number | null }>(
        'SELECT max(size) AS size FROM cosignatures WHERE log = ? AND validator = ?',
      ),
      quorumSize: db.prepare<[string, number], { size: number | null }>(
        'SELECT max(size) AS size FROM (SELECT size FROM cosignatures WHERE log = ? GROUP BY size HAVING count(DISTINCT validator) >= ?)',
      ),
      linesAt: db.prepare<[string, number], { validator: string; line: string }>(
        'SELECT validator, line FROM cosignatures WHERE log = ? AND size = ? ORDER BY validator',
      ),
    };
  }

  static open(directory: string): SyncStore {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const db = openDurableSqlite(path.join(directory, SYNC_DB_FILE));
    db.exec(`
      CREATE TABLE IF NOT EXISTS acked (validator TEXT NOT NULL, log TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (validator, log)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS cosignatures (log TEXT NOT NULL, size INTEGER NOT NULL, validator TEXT NOT NULL, line TEXT NOT NULL,
        PRIMARY KEY (log, size, validator)) WITHOUT ROWID;
    `);
    return new SyncStore(db);
  }

  acked(validator: string, log: LogKind): number {
    return this.statements.acked.get(validator, log)?.size ?? 0;
  }

  setAcked(validator: string, log: LogKind, size: number): void {
    this.statements.setAcked.run(validator, log, size);
  }

  /** Records a verified cosignature and the acknowledged size together. */
  recordCosignature(validator: string, log: LogKind, size: number, line: string): void {
    this.db.transaction(() => {
      this.statements.addCosignature.run(log, size, validator, line);
      this.statements.setAcked.run(validator, log, size);
    })();
  }

  hasCosignature(validator: string, log: LogKind, size: number): boolean {
    return (this.statements.hasCosignature.get(log, size, validator)?.n ?? 0) > 0;
  }

  bestCosigned(validator: string, log: LogKind): number {
    return this.statements.bestCosigned.get(log, validator)?.size ?? 0;
  }

  /** The largest size cosigned by at least `threshold` validators (0 if none). */
  quorumSize(log: LogKind, threshold: number): number {
    return this.statements.quorumSize.get(log, threshold)?.size ?? 0;
  }

  cosignaturesAt(log: LogKind, size: number): { validator: string; line: string }[] {
    return this.statements.linesAt.all(log, size);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
