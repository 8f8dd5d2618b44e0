/**
 * The validator's own store: every station log it has cosigned, entry by entry, with
 * the Merkle nodes to serve proofs and recompute roots, the latest station checkpoint
 * and this validator's cosigned copy, the ballot index (lifecycle and confirmation
 * codes; ballot ids and selection αs indexed across all stations, so a ballot shown
 * at one station is refused at any other with one lookup, not a scan), poll-book check-ins, running encrypted totals and evidence.
 *
 * This file is the embedded SQLite implementation of store-api.ts (the default: a
 * validator for a region, or a test); store-postgres.ts is the one for many
 * processes. The schema is in validator/migrations/sqlite/, applied on open.
 *
 * Durability: WAL with synchronous=FULL set on the writing connection. A batch —
 * entries, nodes, ballot and check-in rows, totals, duplicates, the new checkpoint
 * and the log's check state — commits in one immediate transaction before the
 * validator answers, so a SIGKILL leaves either the whole batch or none of it. The
 * read side uses a second, read-only connection: it never sees a transaction that
 * has not committed.
 *
 *   logs(origin, station, log, size, root, checkpoint, cosigned, state)
 *   entries(origin, idx, body)            nodes(origin, level, idx, hash)
 *   ballots(station, ballot_id, status, idx, resolved_idx, code, style)   ballot_id unique election-wide
 *   alphas(alpha, station, idx)            every shown selection's α, unique election-wide
 *   checkins(voter_hash, station, idx)    totals(station, contest, selection, alpha, beta)
 *   contest_ballots(station, contest, n)  evidence(id, kind, station, origin, body)
 *   frozen(station, evidence_id)          schema_migrations(version, name, checksum)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { nodeMerkleHasher } from '../storage/merkle-hasher';
import { openDurableSqlite } from '../storage/sqlite';
import type { Bytes } from '../core/encoding/bytes';
import { utf8Decode } from '../core/encoding/bytes';
import type { ElectionId } from '../core/ids';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  rootFromSource,
  type SubtreeHashSource,
} from '../core/ledger/merkle';
import { err, ok, type Result } from '../core/result';
import type { BallotStatus } from './checks';
import { describeVersionMismatch, migrationsFor } from './migrations';
import {
  alphaBytes,
  duplicateEvidenceBody,
  frontierNodes,
  headFromRecord,
  recordOf,
  type LogRow,
  StoreIntegrityError,
  stationTotals,
  totalsAfter,
  type BatchCommit,
  type BatchRows,
  type ConfirmationLookup,
  type EvidenceKind,
  type EvidenceRecord,
  type CommittedLogHead,
  type LogRecord,
  type LogTransaction,
  type LookupKeys,
  type LookupRows,
  type StagedRows,
  type StationTotals,
  type StoreOpenError,
  type ValidatorReadStore,
  type ValidatorStore,
  type ValidatorWriteStore,
} from './store-api';
import { DEFAULT_TIME_WINDOW, type TimeWindow } from './time-window';

export { describeStoreOpenError, type CommittedLogHead, type LogRecord, type StoreOpenError } from './store-api';

export const VALIDATOR_DB_FILE = 'validator.sqlite';
/**
 * v2: ballot ids unique across stations, the alphas table. A v1 store holds ballots
 * whose proofs use the v1 transcripts (not bound to the station), which no longer
 * verify, so it is refused rather than migrated.
 */
const FORMAT = 'urna-validator/2';

function nodeSource(db: Database.Database, origin: string): SubtreeHashSource {
  const node = db.prepare<[string, number, number], { hash: Buffer }>(
    'SELECT hash FROM nodes WHERE origin = ? AND level = ? AND idx = ?',
  );
  return {
    subtreeHash: (level, index) => {
      const row = node.get(origin, level, index);
      if (row === undefined) throw new StoreIntegrityError(origin, `node ${level}/${index} is missing`);
      return row.hash;
    },
  };
}

/**
 * When a migration was applied, to the day: a validator keeps no time finer than its
 * time window anywhere (docs/SPEC.md), its own bookkeeping included.
 */
function appliedDay(): number {
  const day = 86_400_000;
  return Math.floor(Date.now() / day) * day;
}

/** Applies the migrations not yet applied; a store from before migrations were recorded counts as version 1. */
function migrateSqlite(db: Database.Database, electionId: ElectionId): number {
  const migrations = migrationsFor('sqlite');
  const has = (name: string) =>
    (db.prepare('SELECT count(*) AS n FROM sqlite_master WHERE name = ?').get(name) as { n: number }).n > 0;
  db.transaction(() => {
    if (has('schema_migrations')) return;
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied INTEGER NOT NULL)',
    );
    const first = migrations[0];
    if (has('meta') && first !== undefined) {
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied) VALUES (?, ?, ?, ?)').run(
        first.version,
        first.name,
        first.checksum,
        0,
      );
    }
  }).immediate();
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  if (current > migrations.length) throw new Error(describeVersionMismatch(current, migrations.length));
  for (const m of migrations.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(m.sql);
      if (m.version === 1) {
        const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
        meta.run('format', FORMAT);
        meta.run('election', electionId);
      }
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied) VALUES (?, ?, ?, ?)').run(
        m.version,
        m.name,
        m.checksum,
        appliedDay(),
      );
    }).immediate();
  }
  return migrations.length;
}

class SqliteReadSide implements ValidatorReadStore {
  private readonly q;
  constructor(
    private readonly db: Database.Database,
    private readonly durability: () => Readonly<Record<string, unknown>>,
  ) {
    this.q = {
      log: db.prepare<[string], LogRow>(
        'SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs WHERE origin = ?',
      ),
      logs: db.prepare<[], LogRow>(
        'SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs ORDER BY origin',
      ),
      frozen: db.prepare<[], { station: string; evidence_id: number }>('SELECT station, evidence_id FROM frozen'),
      entry: db.prepare<[string, number], { body: Buffer }>('SELECT body FROM entries WHERE origin = ? AND idx = ?'),
      entryRange: db.prepare<[string, number, number], { body: Buffer }>(
        'SELECT body FROM entries WHERE origin = ? AND idx >= ? AND idx < ? ORDER BY idx',
      ),
      byCode: db.prepare<
        [string],
        {
          station: string;
          ballot_id: string;
          status: BallotStatus;
          idx: number;
          resolved_idx: number | null;
          style: string | null;
        }
      >('SELECT station, ballot_id, status, idx, resolved_idx, style FROM ballots WHERE code = ?'),
      // BINARY collation: the range is byte order, and ballots_by_code serves it.
      byCodePrefix: db.prepare<
        [string, string, number],
        {
          station: string;
          ballot_id: string;
          status: BallotStatus;
          idx: number;
          resolved_idx: number | null;
          style: string | null;
          code: string;
        }
      >(
        'SELECT station, ballot_id, status, idx, resolved_idx, style, code FROM ballots WHERE code >= ? AND code < ? ORDER BY code LIMIT ?',
      ),
      evidence: db.prepare<
        [number, number],
        { id: number; kind: EvidenceKind; station: string; origin: string; body: string }
      >('SELECT id, kind, station, origin, body FROM evidence WHERE id > ? ORDER BY id LIMIT ?'),
      evidenceCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM evidence'),
      allTotals: db.prepare<[], { station: string; contest: string; selection: string; alpha: Buffer; beta: Buffer }>(
        'SELECT station, contest, selection, alpha, beta FROM totals ORDER BY station, contest, rowid',
      ),
      contestBallots: db.prepare<[], { station: string; contest: string; n: number }>(
        'SELECT station, contest, n FROM contest_ballots',
      ),
    };
  }

  /** Every read of one call sees one committed state. */
  private snapshot<T>(read: () => T): Promise<T> {
    return Promise.resolve(this.db.transaction(read).deferred());
  }

  head(origin: string): Promise<LogRecord | undefined> {
    const row = this.q.log.get(origin);
    return Promise.resolve(row === undefined ? undefined : recordOf(row));
  }

  logs(): Promise<readonly LogRecord[]> {
    return Promise.resolve(this.q.logs.all().map(recordOf));
  }

  frozenStations(): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map(this.q.frozen.all().map((r) => [r.station, r.evidence_id])));
  }

  rootAt(origin: string, size: number): Promise<Bytes> {
    return this.snapshot(() =>
      size === 0 ? EMPTY_ROOT : rootFromSource(nodeSource(this.db, origin), size, nodeMerkleHasher),
    );
  }

  inclusionProof(origin: string, index: number, size: number): Promise<Bytes[]> {
    return this.snapshot(() => inclusionProof(nodeSource(this.db, origin), index, size, nodeMerkleHasher));
  }

  consistencyProof(origin: string, oldSize: number, newSize: number): Promise<Bytes[]> {
    return this.snapshot(() => consistencyProof(nodeSource(this.db, origin), oldSize, newSize, nodeMerkleHasher));
  }

  entryTexts(origin: string, from: number, to: number): Promise<string[]> {
    return Promise.resolve(this.q.entryRange.all(origin, from, to).map((r) => utf8Decode(r.body)));
  }

  entryText(origin: string, index: number): Promise<string | undefined> {
    const row = this.q.entry.get(origin, index);
    return Promise.resolve(row === undefined ? undefined : utf8Decode(row.body));
  }

  lookupConfirmationCode(code: string): Promise<ConfirmationLookup | undefined> {
    const row = this.q.byCode.get(code);
    return Promise.resolve(
      row === undefined
        ? undefined
        : {
            stationId: row.station,
            ballotId: row.ballot_id,
            status: row.status,
            index: row.idx,
            resolvedIndex: row.resolved_idx,
            ballotStyleId: row.style,
          },
    );
  }

  confirmationCodesWithPrefix(
    prefix: string,
    limit: number,
  ): Promise<(ConfirmationLookup & { readonly code: string })[]> {
    return Promise.resolve(
      this.q.byCodePrefix.all(prefix, `${prefix}\u007f`, limit).map((row) => ({
        stationId: row.station,
        ballotId: row.ballot_id,
        status: row.status,
        index: row.idx,
        resolvedIndex: row.resolved_idx,
        ballotStyleId: row.style,
        code: row.code,
      })),
    );
  }

  evidence(afterId: number, limit: number): Promise<EvidenceRecord[]> {
    return Promise.resolve(
      this.q.evidence.all(afterId, limit).map((r) => ({
        id: r.id,
        kind: r.kind,
        stationId: r.station,
        origin: r.origin,
        body: JSON.parse(r.body) as unknown,
      })),
    );
  }

  evidenceCount(): Promise<number> {
    return Promise.resolve(this.q.evidenceCount.get()?.n ?? 0);
  }

  totals(): Promise<StationTotals[]> {
    return this.snapshot(() => stationTotals(this.q.allTotals.all(), this.q.contestBallots.all()));
  }

  describe(): Promise<Readonly<Record<string, unknown>>> {
    return Promise.resolve({ kind: 'sqlite', ...this.durability() });
  }
}

/** The savepoint of staged rows (store-api.ts `stageRows`). */
const STAGED_ROWS = 'staged_rows';

/** One write transaction on the SQLite connection (store-api.ts LogTransaction). */
class SqliteLogTransaction implements LogTransaction {
  private staged: StagedRows | undefined;

  constructor(
    private readonly side: SqliteWriteSide,
    private readonly origin: string,
    private readonly stationId: string,
    readonly head: CommittedLogHead | undefined,
    readonly frozenBy: number | undefined,
  ) {}

  rootAt(size: number): Promise<Bytes> {
    return Promise.resolve(
      size === 0 ? EMPTY_ROOT : rootFromSource(nodeSource(this.side.db, this.origin), size, nodeMerkleHasher),
    );
  }

  consistencyProof(oldSize: number, newSize: number): Promise<Bytes[]> {
    return Promise.resolve(consistencyProof(nodeSource(this.side.db, this.origin), oldSize, newSize, nodeMerkleHasher));
  }

  lookups(keys: LookupKeys): Promise<LookupRows> {
    const q = this.side.q;
    const ballots: LookupRows['ballots'][number][] = [];
    const ballotPlaces: LookupRows['ballotPlaces'][number][] = [];
    for (const ballotId of keys.ballotIds) {
      const here = q.ballot.get(this.stationId, ballotId);
      if (here !== undefined) {
        const pending = here.status === 'pending' ? q.entry.get(this.origin, here.idx) : undefined;
        ballots.push({
          ballotId,
          status: here.status,
          pendingEntry: pending === undefined ? undefined : utf8Decode(pending.body),
        });
      }
      const place = q.ballotById.get(ballotId);
      if (place !== undefined) ballotPlaces.push({ ballotId, stationId: place.station, index: place.idx });
    }
    const checkIns = [...keys.voterHashes].flatMap((voterHash) =>
      q.checkIns.all(voterHash).map((r) => ({ voterHash, stationId: r.station, index: r.idx })),
    );
    const alphaPlaces: LookupRows['alphaPlaces'][number][] = [];
    for (const alpha of keys.alphas) {
      const bytes = alphaBytes(alpha);
      const row = bytes === undefined ? undefined : q.alpha.get(bytes);
      if (bytes !== undefined && row !== undefined)
        alphaPlaces.push({ alpha: bytes, stationId: row.station, index: row.idx });
    }
    return Promise.resolve({ ballots, checkIns, ballotPlaces, alphaPlaces });
  }

  commitBatch(batch: BatchCommit, staged?: StagedRows): Promise<void> {
    const q = this.side.q;
    const { origin, stationId, checked } = batch;
    const oldSize = this.head?.size ?? 0;
    if (staged === undefined) this.writeRows(batch);
    else if (staged !== this.staged) throw new Error(`invariant failed: rows staged in another transaction`);
    else {
      this.side.db.exec(`RELEASE ${STAGED_ROWS}`);
      this.staged = undefined;
    }
    if (checked.cast.length > 0) {
      const { sums, contestCounts } = totalsAfter(q.sums.all(stationId), checked);
      for (const s of sums) q.upsertSum.run(stationId, s.contest, s.selection, s.alpha, s.beta);
      for (const [contest, n] of contestCounts) q.addContestBallots.run(stationId, contest, n);
    }
    const root = Buffer.from(batch.tree.root());
    const state = JSON.stringify(checked.state);
    if (this.head === undefined)
      q.insertLog.run(origin, stationId, batch.log, batch.tree.size, root, batch.checkpoint, batch.cosigned, state);
    else if (
      q.updateLog.run(batch.tree.size, root, batch.checkpoint, batch.cosigned, state, origin, oldSize).changes !== 1
    ) {
      throw new Error(`invariant failed: the head of ${origin} moved during its own transaction`);
    }
    return Promise.resolve();
  }

  /** Writes the rows inside a savepoint, which `discard` rolls back (a failed write rolls back at once and throws). */
  stageRows(rows: BatchRows): Promise<StagedRows> {
    if (this.staged !== undefined) throw new Error('invariant failed: rows already staged in this transaction');
    const db = this.side.db;
    db.exec(`SAVEPOINT ${STAGED_ROWS}`);
    const undo = () => {
      db.exec(`ROLLBACK TO ${STAGED_ROWS}`);
      db.exec(`RELEASE ${STAGED_ROWS}`);
    };
    try {
      this.writeRows(rows);
    } catch (error) {
      undo();
      throw error;
    }
    const staged: StagedRows = {
      discard: () => {
        if (this.staged === staged) {
          undo();
          this.staged = undefined;
        }
        return Promise.resolve();
      },
    };
    this.staged = staged;
    return Promise.resolve(staged);
  }

  /** Every row of a batch but the totals and the head. */
  private writeRows(batch: BatchRows): void {
    const q = this.side.q;
    const { origin, stationId, log, checked } = batch;
    const oldSize = this.head?.size ?? 0;
    if (batch.from !== oldSize)
      throw new Error(`invariant failed: batch from ${batch.from} on ${origin} of size ${oldSize}`);
    batch.bodies.forEach((body, i) => q.insertEntry.run(origin, batch.from + i, body));
    for (const node of batch.nodes) q.insertNode.run(origin, node.level, node.index, Buffer.from(node.hash));
    for (const b of checked.ballots) {
      if (b.index < 0) q.resolveBallot.run(b.status, b.resolvedIndex ?? -1, stationId, b.ballotId);
      else
        q.insertBallot.run(
          stationId,
          b.ballotId,
          b.status,
          b.index,
          b.resolvedIndex ?? null,
          b.confirmationCode ?? null,
          b.ballotStyleId ?? null,
        );
    }
    for (const a of checked.alphas) {
      const bytes = alphaBytes(a.alpha);
      if (bytes === undefined) throw new Error(`invariant failed: admitted α ${a.alpha} is not base64url`);
      q.insertAlpha.run(bytes, stationId, a.index);
    }
    for (const c of checked.checkIns) q.insertCheckIn.run(c.voterHash, stationId, c.index);
    for (const d of checked.duplicates)
      q.insertEvidence.run(
        'pollbook-duplicate',
        stationId,
        origin,
        JSON.stringify(duplicateEvidenceBody(stationId, log, d)),
        this.side.window.nowMs(),
      );
  }

  recordFork(body: unknown): Promise<number> {
    const q = this.side.q;
    const id = Number(
      q.insertEvidence.run('fork', this.stationId, this.origin, JSON.stringify(body), this.side.window.nowMs())
        .lastInsertRowid,
    );
    q.freeze.run(this.stationId, id);
    return Promise.resolve(id);
  }
}

/**
 * The write side: one connection, one transaction at a time (an immediate
 * transaction, so another process on the same file waits too). Requests queue on
 * an in-process chain while a transaction awaits nothing but its own statements.
 */
class SqliteWriteSide implements ValidatorWriteStore {
  readonly q;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly db: Database.Database,
    readonly window: TimeWindow,
  ) {
    this.q = {
      log: db.prepare<[string], LogRow>(
        'SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs WHERE origin = ?',
      ),
      node: db.prepare<[string, number, number], { hash: Buffer }>(
        'SELECT hash FROM nodes WHERE origin = ? AND level = ? AND idx = ?',
      ),
      entry: db.prepare<[string, number], { body: Buffer }>('SELECT body FROM entries WHERE origin = ? AND idx = ?'),
      frozen: db.prepare<[string], { evidence_id: number }>('SELECT evidence_id FROM frozen WHERE station = ?'),
      insertEntry: db.prepare<[string, number, Buffer]>('INSERT INTO entries (origin, idx, body) VALUES (?, ?, ?)'),
      insertNode: db.prepare<[string, number, number, Buffer]>(
        'INSERT INTO nodes (origin, level, idx, hash) VALUES (?, ?, ?, ?)',
      ),
      insertLog: db.prepare<[string, string, string, number, Buffer, string, string, string]>(
        'INSERT INTO logs (origin, station, log, size, root, checkpoint, cosigned, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateLog: db.prepare<[number, Buffer, string, string, string, string, number]>(
        'UPDATE logs SET size = ?, root = ?, checkpoint = ?, cosigned = ?, state = ? WHERE origin = ? AND size = ?',
      ),
      ballot: db.prepare<[string, string], { status: BallotStatus; idx: number }>(
        'SELECT status, idx FROM ballots WHERE station = ? AND ballot_id = ?',
      ),
      insertBallot: db.prepare<[string, string, string, number, number | null, string | null, string | null]>(
        'INSERT INTO ballots (station, ballot_id, status, idx, resolved_idx, code, style) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      resolveBallot: db.prepare<[string, number, string, string]>(
        'UPDATE ballots SET status = ?, resolved_idx = ? WHERE station = ? AND ballot_id = ?',
      ),
      ballotById: db.prepare<[string], { station: string; idx: number }>(
        'SELECT station, idx FROM ballots WHERE ballot_id = ?',
      ),
      alpha: db.prepare<[Buffer], { station: string; idx: number }>('SELECT station, idx FROM alphas WHERE alpha = ?'),
      insertAlpha: db.prepare<[Buffer, string, number]>('INSERT INTO alphas (alpha, station, idx) VALUES (?, ?, ?)'),
      checkIns: db.prepare<[string], { station: string; idx: number }>(
        'SELECT station, idx FROM checkins WHERE voter_hash = ? ORDER BY station, idx',
      ),
      insertCheckIn: db.prepare<[string, string, number]>(
        'INSERT INTO checkins (voter_hash, station, idx) VALUES (?, ?, ?)',
      ),
      sums: db.prepare<[string], { contest: string; selection: string; alpha: Buffer; beta: Buffer }>(
        'SELECT contest, selection, alpha, beta FROM totals WHERE station = ?',
      ),
      upsertSum: db.prepare<[string, string, string, Buffer, Buffer]>(
        'INSERT INTO totals (station, contest, selection, alpha, beta) VALUES (?, ?, ?, ?, ?) ON CONFLICT (station, contest, selection) DO UPDATE SET alpha = excluded.alpha, beta = excluded.beta',
      ),
      addContestBallots: db.prepare<[string, string, number]>(
        'INSERT INTO contest_ballots (station, contest, n) VALUES (?, ?, ?) ON CONFLICT (station, contest) DO UPDATE SET n = n + excluded.n',
      ),
      insertEvidence: db.prepare<[string, string, string, string, number]>(
        'INSERT INTO evidence (kind, station, origin, body, recorded) VALUES (?, ?, ?, ?, ?)',
      ),
      freeze: db.prepare<[string, number]>('INSERT OR IGNORE INTO frozen (station, evidence_id) VALUES (?, ?)'),
    };
  }

  /** The head of `origin` as committed, its frontier checked against its root. */
  readHead(origin: string): CommittedLogHead | undefined {
    const row = this.q.log.get(origin);
    if (row === undefined) return undefined;
    const frontier = new Map<string, Bytes>();
    for (const { level, index } of frontierNodes(row.size)) {
      const node = this.q.node.get(origin, level, index);
      if (node !== undefined) frontier.set(`${level}/${index}`, node.hash);
    }
    return headFromRecord(recordOf(row), frontier);
  }

  withLog<T>(origin: string, stationId: string, work: (tx: LogTransaction) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const tx = new SqliteLogTransaction(
          this,
          origin,
          stationId,
          this.readHead(origin),
          this.q.frozen.get(stationId)?.evidence_id,
        );
        const result = await work(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export class SqliteValidatorStore implements ValidatorStore {
  readonly kind = 'sqlite';
  readonly read: ValidatorReadStore;
  readonly write: SqliteWriteSide;

  private constructor(
    private readonly db: Database.Database,
    private readonly reader: Database.Database,
    window: TimeWindow,
  ) {
    this.read = new SqliteReadSide(reader, () => this.durability());
    this.write = new SqliteWriteSide(db, window);
  }

  /**
   * Opens (creating or migrating) the store in `directory` and verifies every log's
   * nodes against its root. `window`: evidence rows record the start of their time
   * window, not the moment (time-window.ts).
   */
  static open(
    directory: string,
    electionId: ElectionId,
    window: TimeWindow = DEFAULT_TIME_WINDOW,
  ): Result<SqliteValidatorStore, StoreOpenError> {
    let db: Database.Database;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      db = openDurableSqlite(path.join(directory, VALIDATOR_DB_FILE));
    } catch (error) {
      return err({ kind: 'storage', message: error instanceof Error ? error.message : String(error) });
    }
    try {
      migrateSqlite(db, electionId);
    } catch (error) {
      db.close();
      return err({ kind: 'storage', message: error instanceof Error ? error.message : String(error) });
    }
    const meta = new Map(
      (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    if (meta.get('format') !== FORMAT) {
      db.close();
      const stored = String(meta.get('format'));
      const message =
        stored === 'urna-validator/1'
          ? `the store is format ${stored}, from before ballots were bound to their station (its ballots no longer verify); start this validator on a new data directory`
          : `unknown store format ${stored}`;
      return err({ kind: 'storage', message });
    }
    if (meta.get('election') !== electionId) {
      db.close();
      return err({ kind: 'wrong-election', stored: String(meta.get('election')), expected: electionId });
    }
    const reader = openDurableSqlite(path.join(directory, VALIDATOR_DB_FILE), { readonly: true });
    const store = new SqliteValidatorStore(db, reader, window);
    try {
      for (const { origin } of db.prepare('SELECT origin FROM logs').all() as { origin: string }[])
        store.write.readHead(origin);
    } catch (error) {
      reader.close();
      db.close();
      if (error instanceof StoreIntegrityError)
        return err({ kind: 'integrity', origin: error.origin, reason: error.reason });
      return err({ kind: 'storage', message: error instanceof Error ? error.message : String(error) });
    }
    return ok(store);
  }

  durability(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
    };
  }

  close(): Promise<void> {
    if (this.reader.open) this.reader.close();
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
