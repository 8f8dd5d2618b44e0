/**
 * The station ledger: both logs of one station (ballots, poll book) in one SQLite
 * file, each an RFC 6962 Merkle log with signed C2SP checkpoints.
 *
 * Durability: WAL with synchronous=FULL on every connection, and an append writes
 * the entry, the tree nodes it completes and the newly signed checkpoint in one
 * transaction, so after a crash the store holds every acknowledged append and
 * never a partial one.
 *
 * Layout per log (<log> is `ballots` or `pollbook`):
 *   entries_<log>(idx, body)      canonical JSON entry bytes, idx = leaf index
 *   nodes_<log>(pos, hash)        every perfect-subtree hash of level ≥ 1, keyed by
 *                                 post-order position, so the nodes are written and
 *                                 re-verified in one sequential sweep; leaf hashes
 *                                 are recomputed from the entries
 *   checkpoints_<log>(size, note) every signed checkpoint, newest = largest size
 *
 * Proofs read O(log n) rows. Opening re-derives every root from the entries,
 * compares every stored node, verifies the newest checkpoint's signature, and on
 * any mismatch finds the first bad entry from the checkpoint history.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nodeMerkleHasher } from '../../storage/merkle-hasher';
import { openDurableSqlite } from '../../storage/sqlite';
import type { Bytes } from '../../core/encoding/bytes';
import { bytesEqual, utf8Decode } from '../../core/encoding/bytes';
import type { ElectionId, LogKind, StationId } from '../../core/ids';
import { LOG_KINDS } from '../../core/ids';
import { err, ok, type Result } from '../../core/result';
import { openCheckpoint, parseCheckpoint, signCheckpoint, stationOrigin } from '../../core/ledger/checkpoint';
import {
  checkEnvelope,
  decodeCanonicalJson,
  describeEntryError,
  encodeEntry,
  stationEntryRegistry,
  type EntryError,
  type EntryRegistry,
  type LedgerEntry,
} from '../../core/ledger/entries';
import {
  CompactMerkleTree,
  consistencyProof as makeConsistencyProof,
  inclusionProof as makeInclusionProof,
  rootFromSource,
  type MerkleHasher,
  type SubtreeHashSource,
} from '../../core/ledger/merkle';
import {
  describeNoteError,
  noteVerifierFromKey,
  parseNote,
  type NoteSigner,
  type NoteVerifier,
} from '../../core/ledger/note';

export const LEDGER_FILE_NAME = 'ledger.sqlite';
const FORMAT = 'urna-ledger/1';
/** Idle time after the last append before the WAL is copied into the database. */
const IDLE_CHECKPOINT_MS = 250;
/** Appends after which the WAL is checkpointed inline even without an idle moment, bounding its size. */
const MAX_APPENDS_BETWEEN_CHECKPOINTS = 5000;
/** Rows read per query while sweeping a log at open. */
const SWEEP_CHUNK = 8192;

/** The signer the store needs: a note signer that also states its verifier key. */
export type LedgerSigner = NoteSigner & { readonly verifierKey: string };

export type LedgerStoreOptions = {
  readonly directory: string;
  readonly electionId: ElectionId;
  readonly stationId: StationId;
  readonly signer: LedgerSigner;
  /** Entry types accepted by append; later issues extend the base registry. */
  readonly registry?: EntryRegistry;
  /**
   * Caps the database at this many pages (SQLite max_page_count). A station uses
   * it to leave room on a shared disk; tests use it to simulate a full disk.
   */
  readonly maxPageCount?: number;
};

export type LedgerReaderOptions = {
  readonly directory: string;
  /** The station's verifier key from a trusted source (its enrollment); defaults to the one the store records. */
  readonly verifierKey?: string;
};

export type LedgerOpenError =
  | { readonly kind: 'not-found'; readonly file: string }
  | { readonly kind: 'storage'; readonly code: string; readonly message: string }
  | { readonly kind: 'store-mismatch'; readonly reason: string }
  | { readonly kind: 'integrity'; readonly log: LogKind; readonly index: number | undefined; readonly reason: string };

export type AppendError =
  | { readonly kind: 'invalid-entry'; readonly error: EntryError }
  | { readonly kind: 'disk-full' }
  | { readonly kind: 'concurrent-writer'; readonly log: LogKind }
  | { readonly kind: 'storage'; readonly code: string; readonly message: string };

export type ProofError = { readonly kind: 'out-of-range'; readonly reason: string };

export function describeLedgerError(error: LedgerOpenError | AppendError | ProofError): string {
  switch (error.kind) {
    case 'not-found':
      return `no ledger at ${error.file}`;
    case 'storage':
      return `ledger storage error ${error.code}: ${error.message}`;
    case 'store-mismatch':
      return `ledger does not belong here: ${error.reason}`;
    case 'integrity':
      return error.index === undefined
        ? `ledger ${error.log} log failed verification: ${error.reason}`
        : `ledger ${error.log} log failed verification at entry ${error.index}: ${error.reason}`;
    case 'invalid-entry':
      return `entry refused: ${describeEntryError(error.error)}`;
    case 'disk-full':
      return 'the disk is full: the entry was not recorded and the log is unchanged; free space and retry';
    case 'concurrent-writer':
      return `another process appended to the ${error.log} log; reopen the store`;
    case 'out-of-range':
      return `proof out of range: ${error.reason}`;
  }
}

export type AppendReceipt = {
  readonly log: LogKind;
  readonly index: number;
  readonly size: number;
  readonly rootHash: Bytes;
  /** The signed checkpoint note for the new size. */
  readonly checkpoint: string;
};

export type LogSummary = {
  readonly log: LogKind;
  readonly size: number;
  readonly rootHash: Bytes;
  readonly checkpoint: string;
};

type LogState = { tree: CompactMerkleTree; checkpoint: string };

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}

/** Internal nodes (level ≥ 1) in a tree of n leaves. */
export function internalNodeCount(n: number): number {
  return n - popcount(n);
}

/** Post-order position of internal node (level ≥ 1, index) among internal nodes: its creation order. */
export function internalNodePosition(level: number, index: number): number {
  const lastLeaf = (index + 1) * 2 ** level - 1;
  return internalNodeCount(lastLeaf) + level - 1;
}

function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Database.SqliteError) return error.code;
  return undefined;
}

function storageError(error: unknown): { kind: 'storage'; code: string; message: string } {
  return {
    kind: 'storage',
    code: sqliteCode(error) ?? 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
  };
}

function createSchema(db: Database.Database): void {
  db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  for (const log of LOG_KINDS) {
    db.exec(`CREATE TABLE entries_${log} (idx INTEGER PRIMARY KEY, body BLOB NOT NULL)`);
    db.exec(`CREATE TABLE nodes_${log} (pos INTEGER PRIMARY KEY, hash BLOB NOT NULL)`);
    db.exec(`CREATE TABLE checkpoints_${log} (size INTEGER PRIMARY KEY, note TEXT NOT NULL)`);
  }
}

type Statements = {
  entry: Database.Statement<[number], { body: Buffer }>;
  entryRange: Database.Statement<[number, number], { idx: number; body: Buffer }>;
  node: Database.Statement<[number], { hash: Buffer }>;
  maxIndex: Database.Statement<[], { n: number | null }>;
  insertEntry: Database.Statement<[number, Buffer]>;
  insertNode: Database.Statement<[number, Buffer]>;
  insertCheckpoint: Database.Statement<[number, string]>;
  checkpointAtMost: Database.Statement<[number, number], { size: number; note: string }>;
};

function prepare(db: Database.Database, log: LogKind): Statements {
  return {
    entry: db.prepare(`SELECT body FROM entries_${log} WHERE idx = ?`),
    entryRange: db.prepare(`SELECT idx, body FROM entries_${log} WHERE idx >= ? AND idx < ? ORDER BY idx`),
    node: db.prepare(`SELECT hash FROM nodes_${log} WHERE pos = ?`),
    maxIndex: db.prepare(`SELECT max(idx) AS n FROM entries_${log}`),
    insertEntry: db.prepare(`INSERT INTO entries_${log} (idx, body) VALUES (?, ?)`),
    insertNode: db.prepare(`INSERT INTO nodes_${log} (pos, hash) VALUES (?, ?)`),
    insertCheckpoint: db.prepare(`INSERT INTO checkpoints_${log} (size, note) VALUES (?, ?)`),
    checkpointAtMost: db.prepare(
      `SELECT size, note FROM checkpoints_${log} WHERE size > ? AND size <= ? ORDER BY size DESC LIMIT 1`,
    ),
  };
}

/** Read side of a station ledger: verification on open, entries, checkpoints and proofs. */
export class LedgerReader {
  protected readonly statements: Record<LogKind, Statements>;
  protected readonly state: Record<LogKind, LogState>;
  protected readonly hasher: MerkleHasher = nodeMerkleHasher;

  protected constructor(
    protected readonly db: Database.Database,
    readonly electionId: ElectionId,
    readonly stationId: StationId,
    readonly verifierKey: string,
    state: Record<LogKind, LogState>,
  ) {
    this.statements = { ballots: prepare(db, 'ballots'), pollbook: prepare(db, 'pollbook') };
    this.state = state;
  }

  /**
   * Opens an existing ledger read-only and verifies it (for `urna log verify` and
   * `urna log export`). Without a verifier key, trusts the key the store records,
   * which proves integrity against accidents, not against whoever holds the file.
   */
  static openForReading(options: LedgerReaderOptions): Result<LedgerReader, LedgerOpenError> {
    const file = path.join(options.directory, LEDGER_FILE_NAME);
    let db: Database.Database;
    try {
      db = openDurableSqlite(file, { fileMustExist: true });
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CANTOPEN') return err({ kind: 'not-found', file });
      return err(storageError(error));
    }
    const opened = loadAndVerify(db, options.verifierKey, undefined);
    if (!opened.ok) {
      db.close();
      return opened;
    }
    const { electionId, stationId, verifierKey, state } = opened.value;
    return ok(new LedgerReader(db, electionId, stationId, verifierKey, state));
  }

  /** Entries in the log; kept in memory, so the status screen may call it freely. */
  size(log: LogKind): number {
    return this.state[log].tree.size;
  }

  rootHash(log: LogKind): Bytes {
    return this.state[log].tree.root();
  }

  /** The latest signed checkpoint note (station signature only). */
  checkpoint(log: LogKind): string {
    return this.state[log].checkpoint;
  }

  /**
   * The largest signed checkpoint with a size in (after, atMost]: the sync client
   * sends a long backlog in batches, each ending on a checkpoint the station signed.
   */
  checkpointBetween(log: LogKind, after: number, atMost: number): { size: number; note: string } | undefined {
    return this.statements[log].checkpointAtMost.get(after, atMost);
  }

  summary(log: LogKind): LogSummary {
    return { log, size: this.size(log), rootHash: this.rootHash(log), checkpoint: this.checkpoint(log) };
  }

  origin(log: LogKind): string {
    return stationOrigin(this.electionId, this.stationId, log);
  }

  /** The canonical JSON text of one entry. */
  entryText(log: LogKind, index: number): string | undefined {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size(log)) return undefined;
    const row = this.statements[log].entry.get(index);
    return row === undefined ? undefined : utf8Decode(row.body);
  }

  entry(log: LogKind, index: number): LedgerEntry | undefined {
    const text = this.entryText(log, index);
    return text === undefined ? undefined : (JSON.parse(text) as LedgerEntry);
  }

  /** Canonical JSON texts of entries [from, to). */
  entryTexts(log: LogKind, from: number, to: number): string[] {
    const end = Math.min(to, this.size(log));
    if (!Number.isSafeInteger(from) || from < 0 || from >= end) return [];
    return this.statements[log].entryRange.all(from, end).map((row) => utf8Decode(row.body));
  }

  entries(log: LogKind, from: number, to: number): LedgerEntry[] {
    return this.entryTexts(log, from, to).map((text) => JSON.parse(text) as LedgerEntry);
  }

  /** Audit path for entry `index` in the tree of `size` entries (O(log n) reads). */
  inclusionProof(log: LogKind, index: number, size: number): Result<Bytes[], ProofError> {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size(log)) {
      return err({ kind: 'out-of-range', reason: `tree size ${size} not in 1..${this.size(log)}` });
    }
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      return err({ kind: 'out-of-range', reason: `entry ${index} not in a tree of ${size}` });
    }
    return ok(makeInclusionProof(this.hashSource(log), index, size, this.hasher));
  }

  /** Consistency proof from `oldSize` to `newSize` (O(log n) reads). */
  consistencyProof(log: LogKind, oldSize: number, newSize: number): Result<Bytes[], ProofError> {
    if (!Number.isSafeInteger(newSize) || newSize < 0 || newSize > this.size(log)) {
      return err({ kind: 'out-of-range', reason: `tree size ${newSize} not in 0..${this.size(log)}` });
    }
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
      return err({ kind: 'out-of-range', reason: `old size ${oldSize} not in 0..${newSize}` });
    }
    return ok(makeConsistencyProof(this.hashSource(log), oldSize, newSize, this.hasher));
  }

  /** Root of the first `size` entries, from stored nodes (O(log n) reads). */
  rootAt(log: LogKind, size: number): Result<Bytes, ProofError> {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size(log)) {
      return err({ kind: 'out-of-range', reason: `tree size ${size} not in 0..${this.size(log)}` });
    }
    return ok(rootFromSource(this.hashSource(log), size, this.hasher));
  }

  /** Perfect-subtree hashes from the node table; leaves are hashed from their entries. */
  protected hashSource(log: LogKind): SubtreeHashSource {
    const statements = this.statements[log];
    return {
      subtreeHash: (level, index) => {
        if (level === 0) {
          const row = statements.entry.get(index);
          if (row === undefined) throw new Error(`entry ${index} of the ${log} log vanished`);
          return this.hasher.leaf(row.body);
        }
        const row = statements.node.get(internalNodePosition(level, index));
        if (row === undefined) throw new Error(`node ${level}/${index} of the ${log} log vanished`);
        return row.hash;
      },
    };
  }

  /** What this connection actually runs with (for diagnostics and tests). */
  durability(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra' } {
    const journalMode = String(this.db.pragma('journal_mode', { simple: true }));
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    const names = ['off', 'normal', 'full', 'extra'] as const;
    return { journalMode, synchronous: names[level] ?? 'off' };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The station's writable ledger. One process per store. */
export class LedgerStore extends LedgerReader {
  private readonly signer: LedgerSigner;
  private readonly registry: EntryRegistry;
  private appendsSinceCheckpoint = 0;
  private idleCheckpoint: NodeJS.Timeout | undefined;

  private constructor(db: Database.Database, options: LedgerStoreOptions, state: Record<LogKind, LogState>) {
    super(db, options.electionId, options.stationId, options.signer.verifierKey, state);
    this.signer = options.signer;
    this.registry = options.registry ?? stationEntryRegistry;
  }

  /**
   * Opens (or creates) the station's ledger and verifies it. A tampered or
   * truncated store is refused with the log and first bad entry named.
   */
  static open(options: LedgerStoreOptions): Result<LedgerStore, LedgerOpenError> {
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    const file = path.join(options.directory, LEDGER_FILE_NAME);
    let db: Database.Database;
    try {
      db = openDurableSqlite(file, options.maxPageCount === undefined ? {} : { maxPageCount: options.maxPageCount });
      // Copying the WAL into the database inside a commit puts its fsyncs on the
      // voter's critical path; the store checkpoints when idle instead (below).
      db.pragma('wal_autocheckpoint = 0');
    } catch (error) {
      return err(storageError(error));
    }
    try {
      const fresh = db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
        .get() as { n: number };
      if (fresh.n === 0) initialise(db, options);
    } catch (error) {
      db.close();
      return err(storageError(error));
    }
    const opened = loadAndVerify(db, options.signer.verifierKey, {
      electionId: options.electionId,
      stationId: options.stationId,
    });
    if (!opened.ok) {
      db.close();
      return opened;
    }
    return ok(new LedgerStore(db, options, opened.value.state));
  }

  /** Appends one entry: entry, new nodes and new signed checkpoint in one transaction. */
  append(log: LogKind, entry: LedgerEntry): Result<AppendReceipt, AppendError> {
    return this.appendBatch(log, [entry]);
  }

  /**
   * Appends several entries under one signed checkpoint in one transaction. The
   * station appends one entry at a time; `urna log demo` and the benchmarks use
   * batches to build large logs quickly (the checkpoint history then has one
   * checkpoint per batch, so tamper diagnosis names a range of entries).
   */
  appendBatch(log: LogKind, entries: readonly LedgerEntry[]): Result<AppendReceipt, AppendError> {
    if (entries.length === 0) throw new Error('appendBatch needs at least one entry');
    const bodies: Buffer[] = [];
    for (const entry of entries) {
      const valid = this.registry.validate(log, entry);
      if (!valid.ok) return err({ kind: 'invalid-entry', error: valid.error });
      bodies.push(Buffer.from(encodeEntry(entry)));
    }
    const current = this.state[log];
    const first = current.tree.size;
    const next = current.tree.clone();
    const statements = this.statements[log];
    const newNodes: { pos: number; hash: Bytes }[] = [];
    for (const body of bodies) {
      for (const node of next.append(this.hasher.leaf(body))) {
        if (node.level > 0) newNodes.push({ pos: internalNodePosition(node.level, node.index), hash: node.hash });
      }
    }
    const rootHash = next.root();
    const checkpoint = signCheckpoint(
      { origin: this.origin(log), size: next.size, rootHash, extensions: [] },
      this.signer,
    );
    const write = this.db.transaction(() => {
      // Single writer: if the file grew behind our back, our tree is stale; refuse rather than fork the log.
      const onDisk = statements.maxIndex.get()?.n ?? -1;
      if (onDisk !== first - 1) return false;
      bodies.forEach((body, i) => statements.insertEntry.run(first + i, body));
      for (const node of newNodes) statements.insertNode.run(node.pos, Buffer.from(node.hash));
      statements.insertCheckpoint.run(next.size, checkpoint);
      return true;
    });
    try {
      if (!write.immediate()) return err({ kind: 'concurrent-writer', log });
    } catch (error) {
      const code = sqliteCode(error);
      if (code === 'SQLITE_FULL') return err({ kind: 'disk-full' });
      if (code !== undefined) return err(storageError(error));
      throw error;
    }
    this.state[log] = { tree: next, checkpoint };
    this.afterCommit();
    return ok({ log, index: next.size - 1, size: next.size, rootHash, checkpoint });
  }

  /**
   * Copies committed WAL frames into the database file (PASSIVE: never blocks,
   * never loses anything; committed data is durable in the WAL already). Runs by
   * itself when the station is idle; callable for maintenance.
   */
  checkpointWal(): { walFrames: number; checkpointed: number } {
    if (this.idleCheckpoint !== undefined) clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = undefined;
    this.appendsSinceCheckpoint = 0;
    const row = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return { walFrames: row[0]?.log ?? 0, checkpointed: row[0]?.checkpointed ?? 0 };
  }

  override close(): void {
    if (this.idleCheckpoint !== undefined) clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = undefined;
    super.close();
  }

  private idleCheckpointNow(): void {
    this.idleCheckpoint = undefined;
    // A failure here (e.g. a full disk) leaves the WAL as it is, which is safe; the next idle moment retries.
    try {
      if (this.db.open) this.checkpointWal();
    } catch {
      this.appendsSinceCheckpoint = 0;
    }
  }

  private afterCommit(): void {
    this.appendsSinceCheckpoint += 1;
    if (this.appendsSinceCheckpoint >= MAX_APPENDS_BETWEEN_CHECKPOINTS) {
      this.checkpointWal();
      return;
    }
    if (this.idleCheckpoint !== undefined) clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = setTimeout(() => this.idleCheckpointNow(), IDLE_CHECKPOINT_MS);
    this.idleCheckpoint.unref();
  }
}

function initialise(db: Database.Database, options: LedgerStoreOptions): void {
  const create = db.transaction(() => {
    createSchema(db);
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('election_id', options.electionId);
    meta.run('station_id', options.stationId);
    meta.run('station_vkey', options.signer.verifierKey);
    // Each log starts with a signed checkpoint of the empty tree, so both always have one.
    const empty = new CompactMerkleTree(nodeMerkleHasher);
    for (const log of LOG_KINDS) {
      const note = signCheckpoint(
        {
          origin: stationOrigin(options.electionId, options.stationId, log),
          size: 0,
          rootHash: empty.root(),
          extensions: [],
        },
        options.signer,
      );
      db.prepare(`INSERT INTO checkpoints_${log} (size, note) VALUES (0, ?)`).run(note);
    }
  });
  create.immediate();
}

type Loaded = {
  electionId: ElectionId;
  stationId: StationId;
  verifierKey: string;
  state: Record<LogKind, LogState>;
};

function loadAndVerify(
  db: Database.Database,
  trustedVerifierKey: string | undefined,
  expected: { electionId: ElectionId; stationId: StationId } | undefined,
): Result<Loaded, LedgerOpenError> {
  try {
    // One read transaction: a consistent snapshot of both logs.
    return db.transaction(() => loadAndVerifySnapshot(db, trustedVerifierKey, expected))();
  } catch (error) {
    if (sqliteCode(error) !== undefined) return err(storageError(error));
    throw error;
  }
}

function loadAndVerifySnapshot(
  db: Database.Database,
  trustedVerifierKey: string | undefined,
  expected: { electionId: ElectionId; stationId: StationId } | undefined,
): Result<Loaded, LedgerOpenError> {
  const hasMeta = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .get() as { n: number };
  if (hasMeta.n === 0) return err({ kind: 'store-mismatch', reason: 'not an Urna ledger (no meta table)' });
  const meta = new Map(
    (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((row) => [
      row.key,
      row.value,
    ]),
  );
  if (meta.get('format') !== FORMAT)
    return err({ kind: 'store-mismatch', reason: `unknown ledger format ${String(meta.get('format'))}` });
  const electionId = meta.get('election_id') as ElectionId | undefined;
  const stationId = meta.get('station_id') as StationId | undefined;
  const recordedKey = meta.get('station_vkey');
  if (electionId === undefined || stationId === undefined || recordedKey === undefined) {
    return err({ kind: 'store-mismatch', reason: 'ledger metadata is incomplete' });
  }
  if (expected !== undefined && (expected.electionId !== electionId || expected.stationId !== stationId)) {
    return err({
      kind: 'store-mismatch',
      reason: `ledger is for election ${electionId} station ${stationId}, not election ${expected.electionId} station ${expected.stationId}`,
    });
  }
  const verifierKey = trustedVerifierKey ?? recordedKey;
  if (verifierKey !== recordedKey)
    return err({ kind: 'store-mismatch', reason: 'ledger was made with a different station key' });
  const verifier = noteVerifierFromKey(verifierKey);
  if (!verifier.ok) return err({ kind: 'store-mismatch', reason: `station key: ${describeNoteError(verifier.error)}` });

  const ballots = verifyLog(db, 'ballots', verifier.value, stationOrigin(electionId, stationId, 'ballots'));
  if (!ballots.ok) return ballots;
  const pollbook = verifyLog(db, 'pollbook', verifier.value, stationOrigin(electionId, stationId, 'pollbook'));
  if (!pollbook.ok) return pollbook;
  return ok({ electionId, stationId, verifierKey, state: { ballots: ballots.value, pollbook: pollbook.value } });
}

function integrity(log: LogKind, index: number | undefined, reason: string): Result<never, LedgerOpenError> {
  return err({ kind: 'integrity', log, index, reason });
}

/**
 * Re-derives the log from its entries in one sequential sweep: every leaf, every
 * stored node, the root, and the newest checkpoint's signature. Any mismatch
 * hands over to {@link diagnose}, which names the first bad entry.
 */
function verifyLog(
  db: Database.Database,
  log: LogKind,
  verifier: NoteVerifier,
  origin: string,
): Result<LogState, LedgerOpenError> {
  const hasher = nodeMerkleHasher;
  const entryChunk = db.prepare(`SELECT idx, body FROM entries_${log} WHERE idx >= ? ORDER BY idx LIMIT ?`).raw();
  const nodeChunk = db.prepare(`SELECT pos, hash FROM nodes_${log} WHERE pos >= ? AND pos < ? ORDER BY pos`).raw();
  const tree = new CompactMerkleTree(hasher);
  let problem: { index: number | undefined; reason: string } | undefined;

  sweep: for (;;) {
    const rows = entryChunk.all(tree.size, SWEEP_CHUNK) as [number, Buffer][];
    if (rows.length === 0) break;
    const first = tree.size;
    const last = first + rows.length;
    const nodes = nodeChunk.all(internalNodeCount(first), internalNodeCount(last)) as [number, Buffer][];
    let nodeCursor = 0;
    for (const [idx, body] of rows) {
      if (idx !== tree.size) {
        problem = { index: tree.size, reason: 'entry is missing' };
        break sweep;
      }
      for (const node of tree.append(hasher.leaf(body))) {
        if (node.level === 0) continue;
        const stored = nodes[nodeCursor++];
        const pos = internalNodePosition(node.level, node.index);
        if (stored === undefined || stored[0] !== pos || !bytesEqual(stored[1], node.hash)) {
          const start = node.index * 2 ** node.level;
          problem = {
            index: start,
            reason: `tree node ${node.level}/${node.index} does not match entries ${start}..${start + 2 ** node.level - 1}`,
          };
          break sweep;
        }
      }
    }
  }
  const n = tree.size;
  if (problem === undefined) {
    const extraNodes = db
      .prepare(`SELECT count(*) AS c FROM nodes_${log} WHERE pos >= ?`)
      .get(internalNodeCount(n)) as { c: number };
    if (extraNodes.c > 0) problem = { index: n, reason: 'tree nodes exist beyond the last entry' };
  }
  const latest = db.prepare(`SELECT size, note FROM checkpoints_${log} ORDER BY size DESC LIMIT 1`).get() as
    { size: number; note: string } | undefined;
  if (latest === undefined) return integrity(log, undefined, 'no signed checkpoint');
  if (problem === undefined) {
    const checked = checkCheckpointRow(latest, verifier, origin);
    if (checked !== undefined) problem = { index: Math.min(n, latest.size), reason: `latest checkpoint: ${checked}` };
    else if (latest.size > n)
      problem = { index: n, reason: `entries ${n}..${latest.size - 1} are missing (the log was truncated)` };
    else if (latest.size < n)
      problem = { index: latest.size, reason: `entries from ${latest.size} on are covered by no signed checkpoint` };
    else if (!bytesEqual(parsedRoot(latest.note), tree.root()))
      problem = { index: undefined, reason: 'root does not match the checkpoint' };
  }
  if (problem !== undefined) return diagnose(db, log, verifier, origin, problem);
  return ok({ tree, checkpoint: latest.note });
}

function parsedRoot(note: string): Bytes {
  const parsed = parseNote(note);
  if (!parsed.ok) return new Uint8Array(0);
  const checkpoint = parseCheckpoint(parsed.value.text);
  return checkpoint.ok ? checkpoint.value.rootHash : new Uint8Array(0);
}

/** Returns why a stored checkpoint row is not a valid station checkpoint for its size, or undefined. */
function checkCheckpointRow(
  row: { size: number; note: string },
  verifier: NoteVerifier,
  origin: string,
): string | undefined {
  const opened = openCheckpoint(row.note, [verifier], origin);
  if (!opened.ok) return opened.error.kind === 'note' ? opened.error.reason : `${opened.error.kind}`;
  if (opened.value.checkpoint.size !== row.size)
    return `note says size ${opened.value.checkpoint.size}, row says ${row.size}`;
  return undefined;
}

/**
 * Finds the first bad entry once the sweep has seen something wrong. Signed
 * checkpoints are the ground truth: the station signs one per append, and nobody
 * without its key can make one, so the good checkpoints form a prefix of the
 * history. Binary search for the first checkpoint that fails (bad signature, or a
 * root that the current entries no longer give); the entries it newly covered hold
 * the first bad one. O(n) hashing plus O(log n) signature checks.
 */
function diagnose(
  db: Database.Database,
  log: LogKind,
  verifier: NoteVerifier,
  origin: string,
  sweepProblem: { index: number | undefined; reason: string },
): Result<never, LedgerOpenError> {
  const hasher = nodeMerkleHasher;
  // Recompute every level of the tree from the contiguous prefix of entries.
  const leaves: Bytes[] = [];
  const rows = db.prepare(`SELECT idx, body FROM entries_${log} ORDER BY idx`).raw().iterate() as IterableIterator<
    [number, Buffer]
  >;
  for (const [idx, body] of rows) {
    if (idx !== leaves.length) break;
    leaves.push(hasher.leaf(body));
  }
  const levels: Bytes[][] = [leaves];
  for (let level = 0; (levels[level]?.length ?? 0) > 1; level++) {
    const below = levels[level] as Bytes[];
    const above: Bytes[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(hasher.node(below[i] as Bytes, below[i + 1] as Bytes));
    levels.push(above);
  }
  const memory: SubtreeHashSource = {
    subtreeHash: (level, index) => {
      const hash = levels[level]?.[index];
      if (hash === undefined) throw new Error(`subtree ${level}/${index} outside the recomputed tree`);
      return hash;
    },
  };
  const available = leaves.length;
  const sizes = (db.prepare(`SELECT size FROM checkpoints_${log} ORDER BY size`).all() as { size: number }[]).map(
    (r) => r.size,
  );
  const noteAt = db.prepare(`SELECT note FROM checkpoints_${log} WHERE size = ?`);
  const isGood = (size: number): boolean => {
    if (size > available) return false;
    const row = noteAt.get(size) as { note: string } | undefined;
    if (row === undefined || checkCheckpointRow({ size, note: row.note }, verifier, origin) !== undefined) return false;
    return bytesEqual(parsedRoot(row.note), rootFromSource(memory, size, hasher));
  };
  let lo = 0;
  let hi = sizes.length; // first bad checkpoint is in [lo, hi]; hi = length means none is bad
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (isGood(sizes[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  if (lo < sizes.length) {
    const badSize = sizes[lo] as number;
    const goodSize = lo > 0 ? (sizes[lo - 1] as number) : 0;
    const firstBad = Math.min(goodSize, available);
    const sweepIndex = sweepProblem.index;
    if (badSize - goodSize > 1 && sweepIndex !== undefined && sweepIndex >= goodSize && sweepIndex < badSize) {
      // A batch signed as one checkpoint: the sweep's first mismatching node narrows it down further.
      return integrity(
        log,
        sweepIndex,
        `${sweepProblem.reason}; entries ${goodSize}..${badSize - 1} no longer match their signed checkpoint`,
      );
    }
    const range =
      badSize - goodSize > 1 ? ` (somewhere in entries ${goodSize}..${badSize - 1}, signed as one batch)` : '';
    const why =
      goodSize >= available && available < badSize
        ? 'entry is missing (the log was truncated)'
        : `entry does not match the signed checkpoint of size ${badSize}${range}`;
    return integrity(log, firstBad, why);
  }
  // Every signed checkpoint agrees with the entries: the damage is in the node table or past the last checkpoint.
  return integrity(log, sweepProblem.index, sweepProblem.reason);
}

/** Parses and checks one stored entry's envelope and canonical form (used by `urna log verify`). */
export function checkStoredEntry(text: string): Result<LedgerEntry, EntryError> {
  const value = decodeCanonicalJson(text);
  if (!value.ok) return value;
  return checkEnvelope(value.value);
}
