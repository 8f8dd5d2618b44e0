/**
 * Versioned schema migrations of the validator store: numbered SQL files in
 * validator/migrations/<dialect>/ (NNNN_name.sql), applied in order, each in its own
 * transaction with its row in schema_migrations. A migration already applied is
 * never run again; a store whose recorded version is newer than this program knows
 * is refused (an older program must not write to a newer schema).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

export type Migration = {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
};

export type Dialect = 'sqlite' | 'postgres';

const FILE = /^(\d{4})_([a-z0-9_-]+)\.sql$/;

/** The migrations shipped with this program for `dialect`, in order. */
export function migrationsFor(dialect: Dialect): Migration[] {
  const dir = new URL(`./migrations/${dialect}/`, import.meta.url);
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE.exec(file) }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }) => {
      const sql = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2] as string,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(
        `invariant failed: ${dialect} migrations must be numbered 1, 2, … without gaps (found ${m.version} at position ${i + 1})`,
      );
  });
  return migrations;
}

/** The latest schema version this program knows for `dialect`. */
export function latestVersion(dialect: Dialect): number {
  return migrationsFor(dialect).length;
}

export function describeVersionMismatch(stored: number, known: number): string {
  return `the store's schema is version ${stored}, newer than this program knows (${known}); run a newer urna`;
}
