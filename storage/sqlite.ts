/**
 * The one way Urna opens a SQLite database it must not lose: the station ledger,
 * the sync store and the validator store all come through `openDurableSqlite`, so
 * the pragma set lives here and nowhere else.
 *
 * - WAL journal: readers never block the writer, and a commit is one append.
 * - synchronous=FULL: a commit is on disk when it returns (the WAL is fsynced on
 *   every commit). It is a per-connection setting, so it is set on every
 *   connection and read back, never left to the build's default.
 * - busy_timeout: a second connection (a reader, `urna log verify` beside a
 *   running station) waits for a lock instead of failing at once.
 *
 * It also chooses which compiled better-sqlite3 addon to load. Under Node (tests,
 * CLI, validators) it is the one in node_modules; a development Electron run loads
 * a copy built for Electron's ABI (scripts/ensure-electron-native.mjs), so the two
 * runtimes never fight over one binary.
 */
import Database from 'better-sqlite3';

let nativeBinding: string | undefined;

/** Set once at start-up by the Electron main process; undefined means node_modules' addon. */
export function useSqliteNativeBinding(file: string | undefined): void {
  nativeBinding = file;
}

export type DurableSqliteOptions = {
  /** Refuse to create the file (opening an existing store for reading or export). */
  readonly fileMustExist?: boolean;
  /** Opens a read-only connection: it gets the busy timeout, not the write pragmas. */
  readonly readonly?: boolean;
  /** A size cap in pages (tests fill a small disk with it). */
  readonly maxPageCount?: number;
};

const BUSY_TIMEOUT_MS = 5000;
const SYNCHRONOUS_FULL = 2;

/**
 * Opens `file` with the durable pragma set and checks that SQLite accepted it.
 * Throws (better-sqlite3's SqliteError, or an Error naming the refused pragma)
 * and leaves nothing open when it cannot.
 */
export function openDurableSqlite(file: string, options: DurableSqliteOptions = {}): Database.Database {
  const db = new Database(file, {
    ...(options.fileMustExist === true ? { fileMustExist: true } : {}),
    ...(options.readonly === true ? { readonly: true } : {}),
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
  });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (options.readonly === true) return db;
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    if (db.pragma('synchronous', { simple: true }) !== SYNCHRONOUS_FULL)
      throw new Error('SQLite refused synchronous=FULL');
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
