/**
 * The validator store on PostgreSQL (store-api.ts), for any number of validator
 * processes, on one machine or several, sharing one database and one cosigning key.
 * The client is `postgres` from npm (no dependencies of its own; it pipelines the
 * statements of a transaction, so the lookups of one batch cost one round trip).
 *
 * Each write transaction (READ COMMITTED) first takes a transaction-scoped advisory
 * lock on the station, so the two logs of a station are checked and written by one
 * process at a time, and every later statement sees what the previous holder
 * committed. Inside it: the head and its frontier (checked against the stored root),
 * the freezing, the lookups the checks need, then the writes; the head is updated
 * only where the size is still the one read. A poll-book batch also locks each voter
 * hash it checks in, so two stations checking in the same voter at once are
 * serialized and the second records the duplicate. Ballot ids and selection αs are
 * unique by index: a process that loses a race gets a unique violation, and the
 * transaction runs again from the start and refuses the ballot as the SQLite store
 * would. The bulletin board reads through its own connections, which may point at
 * a read replica.
 */
import { nodeMerkleHasher } from '../storage/merkle-hasher';
import postgres from 'postgres';
import type { Bytes } from '../core/encoding/bytes';
import { utf8Decode } from '../core/encoding/bytes';
import type { ElectionId } from '../core/ids';
import { consistencyProof, EMPTY_ROOT, inclusionProof, rootFromSource } from '../core/ledger/merkle';
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
  withFetchedNodes,
  type BatchCommit,
  type StagedRows,
  type ConfirmationLookup,
  type EvidenceKind,
  type EvidenceRecord,
  type CommittedLogHead,
  type LogRecord,
  type LogTransaction,
  type LookupKeys,
  type LookupRows,
  type StationTotals,
  type StoreOpenError,
  type ValidatorReadStore,
  type ValidatorStore,
  type ValidatorWriteStore,
} from './store-api';
import { DEFAULT_TIME_WINDOW, type TimeWindow } from './time-window';

/** The SQL tag of a connection pool or of one transaction. */
type Sql = postgres.Sql<{ bigint: number }>;
type Tx = postgres.TransactionSql<{ bigint: number }>;

/** SQLSTATEs after which a transaction runs again: unique violation (a race on an election-wide index), serialization failure, deadlock. */
const RETRY_CODES = new Set(['23505', '40001', '40P01']);
const MAX_ATTEMPTS = 6;
/** Rows per multi-row INSERT, so no statement passes the protocol's 65,535 parameters. */
const ROWS_PER_INSERT = 4000;

export type PostgresStoreOptions = {
  /** The write side's connection string (from the environment, never from a file). */
  readonly url: string;
  /** The bulletin board's connection string: a read replica, or the same server. */
  readonly readUrl?: string;
  /** Connections per process for each side. */
  readonly poolSize?: number;
  readonly window?: TimeWindow;
};

function connect(url: string, max: number): Sql {
  return postgres(url, {
    max,
    onnotice: () => undefined,
    connect_timeout: 10,
    // int8 columns (sizes, indices, ids) as numbers: every one is far below 2^53.
    types: {
      bigint: { to: 20, from: [20], serialize: (n: number) => String(n), parse: (text: string) => Number(text) },
    },
  });
}

function isRetryable(error: unknown): boolean {
  return error instanceof postgres.PostgresError && RETRY_CODES.has(error.code);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function chunks<T>(rows: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** One row of a multi-row INSERT. */
type InsertRow = Record<string, string | number | Buffer | null>;

async function fetchNodes(
  sql: Sql | Tx,
  origin: string,
  keys: readonly { level: number; index: number }[],
): Promise<Map<string, Bytes>> {
  if (keys.length === 0) return new Map();
  const rows = await sql<{ level: number; idx: number; hash: Buffer }[]>`
    SELECT n.level, n.idx, n.hash FROM nodes n
    JOIN unnest(${keys.map((k) => k.level)}::int[], ${keys.map((k) => k.index)}::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx
    WHERE n.origin = ${origin}`;
  return new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
}

/** Applies the migrations not yet applied, under a lock so that processes starting together apply each once. Returns the version. */
export async function migratePostgres(sql: Sql, electionId: ElectionId): Promise<number> {
  const migrations = migrationsFor('postgres');
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended('urna/validator/migrate', 0))`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied timestamptz NOT NULL DEFAULT date_trunc('day', now()))`;
    const [row] = await tx<{ v: number }[]>`SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations`;
    const current = row?.v ?? 0;
    if (current > migrations.length) throw new Error(describeVersionMismatch(current, migrations.length));
    for (const m of migrations.filter((m) => m.version > current)) {
      await tx.unsafe(m.sql);
      if (m.version === 1)
        await tx`INSERT INTO meta (key, value) VALUES ('format', 'urna-validator/2'), ('election', ${electionId})`;
      await tx`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`;
    }
    return migrations.length;
  });
}

/** The schema version a database holds (0: none). */
export async function schemaVersion(sql: Sql): Promise<number> {
  const [exists] = await sql<{ t: string | null }[]>`SELECT to_regclass('schema_migrations')::text AS t`;
  if (exists?.t === null || exists?.t === undefined) return 0;
  const [row] = await sql<{ v: number }[]>`SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations`;
  return row?.v ?? 0;
}

class PostgresReadSide implements ValidatorReadStore {
  constructor(private readonly sql: Sql) {}

  async head(origin: string): Promise<LogRecord | undefined> {
    const [row] = await this.sql<
      LogRow[]
    >`SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs WHERE origin = ${origin}`;
    return row === undefined ? undefined : recordOf(row);
  }

  async logs(): Promise<readonly LogRecord[]> {
    const rows = await this.sql<
      LogRow[]
    >`SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs`;
    return rows.map(recordOf).sort((a, b) => a.origin.localeCompare(b.origin));
  }

  async frozenStations(): Promise<ReadonlyMap<string, number>> {
    const rows = await this.sql<{ station: string; evidence_id: number }[]>`SELECT station, evidence_id FROM frozen`;
    return new Map(rows.map((r) => [r.station, r.evidence_id]));
  }

  rootAt(origin: string, size: number): Promise<Bytes> {
    if (size === 0) return Promise.resolve(EMPTY_ROOT);
    return withFetchedNodes(
      (keys) => fetchNodes(this.sql, origin, keys),
      (source) => rootFromSource(source, size, nodeMerkleHasher),
      origin,
    );
  }

  inclusionProof(origin: string, index: number, size: number): Promise<Bytes[]> {
    return withFetchedNodes(
      (keys) => fetchNodes(this.sql, origin, keys),
      (source) => inclusionProof(source, index, size, nodeMerkleHasher),
      origin,
    );
  }

  consistencyProof(origin: string, oldSize: number, newSize: number): Promise<Bytes[]> {
    return withFetchedNodes(
      (keys) => fetchNodes(this.sql, origin, keys),
      (source) => consistencyProof(source, oldSize, newSize, nodeMerkleHasher),
      origin,
    );
  }

  async entryTexts(origin: string, from: number, to: number): Promise<string[]> {
    const rows = await this.sql<
      { body: Buffer }[]
    >`SELECT body FROM entries WHERE origin = ${origin} AND idx >= ${from} AND idx < ${to} ORDER BY idx`;
    return rows.map((r) => utf8Decode(r.body));
  }

  async entryText(origin: string, index: number): Promise<string | undefined> {
    const [row] = await this.sql<
      { body: Buffer }[]
    >`SELECT body FROM entries WHERE origin = ${origin} AND idx = ${index}`;
    return row === undefined ? undefined : utf8Decode(row.body);
  }

  async lookupConfirmationCode(code: string): Promise<ConfirmationLookup | undefined> {
    const [row] = await this.sql<
      {
        station: string;
        ballot_id: string;
        status: BallotStatus;
        idx: number;
        resolved_idx: number | null;
        style: string | null;
      }[]
    >`
      SELECT station, ballot_id, status, idx, resolved_idx, style FROM ballots WHERE code = ${code} LIMIT 1`;
    return row === undefined
      ? undefined
      : {
          stationId: row.station,
          ballotId: row.ballot_id,
          status: row.status,
          index: row.idx,
          resolvedIndex: row.resolved_idx,
          ballotStyleId: row.style,
        };
  }

  async confirmationCodesWithPrefix(
    prefix: string,
    limit: number,
  ): Promise<(ConfirmationLookup & { readonly code: string })[]> {
    // COLLATE "C" compares bytes, as base64url prefixes need; ballots_by_code_bytes (migration 0002) serves it.
    const rows = await this.sql<
      {
        station: string;
        ballot_id: string;
        status: BallotStatus;
        idx: number;
        resolved_idx: number | null;
        style: string | null;
        code: string;
      }[]
    >`
      SELECT station, ballot_id, status, idx, resolved_idx, style, code FROM ballots
      WHERE code COLLATE "C" >= ${prefix} AND code COLLATE "C" < ${`${prefix}\u007f`} ORDER BY code COLLATE "C" LIMIT ${limit}`;
    return rows.map((row) => ({
      stationId: row.station,
      ballotId: row.ballot_id,
      status: row.status,
      index: row.idx,
      resolvedIndex: row.resolved_idx,
      ballotStyleId: row.style,
      code: row.code,
    }));
  }

  async evidence(afterId: number, limit: number): Promise<EvidenceRecord[]> {
    const rows = await this.sql<{ id: number; kind: EvidenceKind; station: string; origin: string; body: string }[]>`
      SELECT id, kind, station, origin, body FROM evidence WHERE id > ${afterId} ORDER BY id LIMIT ${limit}`;
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      stationId: r.station,
      origin: r.origin,
      body: JSON.parse(r.body) as unknown,
    }));
  }

  async evidenceCount(): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM evidence`;
    return row?.n ?? 0;
  }

  async totals(): Promise<StationTotals[]> {
    return this.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (tx) => {
      const rows = await tx<{ station: string; contest: string; selection: string; alpha: Buffer; beta: Buffer }[]>`
        SELECT station, contest, selection, alpha, beta FROM totals ORDER BY station COLLATE "C", contest COLLATE "C", seq`;
      const counts = await tx<
        { station: string; contest: string; n: number }[]
      >`SELECT station, contest, n FROM contest_ballots`;
      return stationTotals(rows, counts);
    });
  }

  async describe(): Promise<Readonly<Record<string, unknown>>> {
    const [row] = await this.sql<
      { version: string; synchronous_commit: string; fsync: string; in_recovery: boolean }[]
    >`
      SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
             current_setting('fsync') AS fsync, pg_is_in_recovery() AS in_recovery`;
    return {
      kind: 'postgres',
      serverVersion: row?.version,
      synchronousCommit: row?.synchronous_commit,
      fsync: row?.fsync,
      replica: row?.in_recovery,
    };
  }
}

class PostgresLogTransaction implements LogTransaction {
  constructor(
    private readonly tx: Tx,
    private readonly origin: string,
    private readonly stationId: string,
    private readonly window: TimeWindow,
    readonly head: CommittedLogHead | undefined,
    readonly frozenBy: number | undefined,
  ) {}

  rootAt(size: number): Promise<Bytes> {
    if (size === 0) return Promise.resolve(EMPTY_ROOT);
    return withFetchedNodes(
      (keys) => fetchNodes(this.tx, this.origin, keys),
      (source) => rootFromSource(source, size, nodeMerkleHasher),
      this.origin,
    );
  }

  consistencyProof(oldSize: number, newSize: number): Promise<Bytes[]> {
    return withFetchedNodes(
      (keys) => fetchNodes(this.tx, this.origin, keys),
      (source) => consistencyProof(source, oldSize, newSize, nodeMerkleHasher),
      this.origin,
    );
  }

  async lookups(keys: LookupKeys): Promise<LookupRows> {
    const tx = this.tx;
    const ids = [...keys.ballotIds];
    const voters = [...keys.voterHashes].sort();
    const alphaHex = [...keys.alphas].flatMap((a) => {
      const bytes = alphaBytes(a);
      return bytes === undefined ? [] : [bytes.toString('hex')];
    });
    if (voters.length > 0) {
      // One lock per voter hash, in a fixed order: check-ins of one voter at two stations are serialized.
      await tx`SELECT count(pg_advisory_xact_lock(hashtextextended('urna/voter/' || h, 0))) FROM (SELECT DISTINCT h FROM unnest(${voters}::text[]) AS h ORDER BY h) AS s`;
    }
    const [ballots, places, checkIns, alphas] = await Promise.all([
      ids.length === 0
        ? []
        : tx<{ ballot_id: string; status: BallotStatus; body: Buffer | null }[]>`
            SELECT b.ballot_id, b.status, e.body FROM ballots b
            LEFT JOIN entries e ON b.status = 'pending' AND e.origin = ${this.origin} AND e.idx = b.idx
            WHERE b.station = ${this.stationId} AND b.ballot_id = ANY(${ids}::text[])`,
      ids.length === 0
        ? []
        : tx<
            { ballot_id: string; station: string; idx: number }[]
          >`SELECT ballot_id, station, idx FROM ballots WHERE ballot_id = ANY(${ids}::text[])`,
      voters.length === 0
        ? []
        : tx<{ voter_hash: string; station: string; idx: number }[]>`
            SELECT voter_hash, station, idx FROM checkins WHERE voter_hash = ANY(${voters}::text[]) ORDER BY station COLLATE "C", idx`,
      alphaHex.length === 0
        ? []
        : tx<{ alpha: Buffer; station: string; idx: number }[]>`
            SELECT alpha, station, idx FROM alphas WHERE alpha IN (SELECT decode(h, 'hex') FROM unnest(${alphaHex}::text[]) AS h)`,
    ]);
    return {
      ballots: ballots.map((b) => ({
        ballotId: b.ballot_id,
        status: b.status,
        pendingEntry: b.body === null ? undefined : utf8Decode(b.body),
      })),
      ballotPlaces: places.map((p) => ({ ballotId: p.ballot_id, stationId: p.station, index: p.idx })),
      checkIns: checkIns.map((c) => ({ voterHash: c.voter_hash, stationId: c.station, index: c.idx })),
      alphaPlaces: alphas.map((a) => ({ alpha: a.alpha, stationId: a.station, index: a.idx })),
    };
  }

  /** Writes nothing ahead: the rows go in `commitBatch`'s one round of statements, after the verdicts. */
  stageRows(): Promise<StagedRows> {
    return Promise.resolve({ discard: () => Promise.resolve() });
  }

  async commitBatch(batch: BatchCommit): Promise<void> {
    const tx = this.tx;
    const { origin, stationId, log, checked } = batch;
    const oldSize = this.head?.size ?? 0;
    if (batch.from !== oldSize)
      throw new Error(`invariant failed: batch from ${batch.from} on ${origin} of size ${oldSize}`);
    const now = this.window.nowMs();
    const writes: Promise<unknown>[] = [];
    const insert = (table: string, rows: readonly InsertRow[], columns: readonly string[]) => {
      for (const part of chunks(rows)) writes.push(tx`INSERT INTO ${tx(table)} ${tx(part, columns)}`);
    };
    insert(
      'entries',
      batch.bodies.map((body, i) => ({ origin, idx: batch.from + i, body })),
      ['origin', 'idx', 'body'],
    );
    insert(
      'nodes',
      batch.nodes.map((n) => ({ origin, level: n.level, idx: n.index, hash: Buffer.from(n.hash) })),
      ['origin', 'level', 'idx', 'hash'],
    );
    const shown = checked.ballots.filter((b) => b.index >= 0);
    insert(
      'ballots',
      shown.map((b) => ({
        station: stationId,
        ballot_id: b.ballotId,
        status: b.status,
        idx: b.index,
        resolved_idx: b.resolvedIndex ?? null,
        code: b.confirmationCode ?? null,
        style: b.ballotStyleId ?? null,
      })),
      ['station', 'ballot_id', 'status', 'idx', 'resolved_idx', 'code', 'style'],
    );
    const resolved = checked.ballots.filter((b) => b.index < 0);
    if (resolved.length > 0) {
      writes.push(tx`
        UPDATE ballots b SET status = v.status, resolved_idx = v.resolved_idx
        FROM unnest(${resolved.map((b) => b.ballotId)}::text[], ${resolved.map((b) => b.status)}::text[], ${resolved.map((b) => b.resolvedIndex ?? -1)}::bigint[]) AS v(ballot_id, status, resolved_idx)
        WHERE b.station = ${stationId} AND b.ballot_id = v.ballot_id`);
    }
    insert(
      'alphas',
      checked.alphas.map((a) => {
        const bytes = alphaBytes(a.alpha);
        if (bytes === undefined) throw new Error(`invariant failed: admitted α ${a.alpha} is not base64url`);
        return { alpha: bytes, station: stationId, idx: a.index };
      }),
      ['alpha', 'station', 'idx'],
    );
    insert(
      'checkins',
      checked.checkIns.map((c) => ({ voter_hash: c.voterHash, station: stationId, idx: c.index })),
      ['voter_hash', 'station', 'idx'],
    );
    insert(
      'evidence',
      checked.duplicates.map((d) => ({
        kind: 'pollbook-duplicate',
        station: stationId,
        origin,
        body: JSON.stringify(duplicateEvidenceBody(stationId, log, d)),
        recorded: now,
      })),
      ['kind', 'station', 'origin', 'body', 'recorded'],
    );
    if (checked.cast.length > 0) {
      const stored = await tx<
        { contest: string; selection: string; alpha: Buffer; beta: Buffer }[]
      >`SELECT contest, selection, alpha, beta FROM totals WHERE station = ${stationId}`;
      const { sums, contestCounts } = totalsAfter(stored, checked);
      for (const part of chunks(sums)) {
        writes.push(tx`
          INSERT INTO totals ${tx(
            part.map((s) => ({ station: stationId, ...s })),
            ['station', 'contest', 'selection', 'alpha', 'beta'],
          )}
          ON CONFLICT (station, contest, selection) DO UPDATE SET alpha = excluded.alpha, beta = excluded.beta`);
      }
      const counts = [...contestCounts].map(([contest, n]) => ({ station: stationId, contest, n }));
      writes.push(tx`
        INSERT INTO contest_ballots ${tx(counts, ['station', 'contest', 'n'])}
        ON CONFLICT (station, contest) DO UPDATE SET n = contest_ballots.n + excluded.n`);
    }
    const root = Buffer.from(batch.tree.root());
    const state = JSON.stringify(checked.state);
    const size = batch.tree.size;
    const headWrite =
      this.head === undefined
        ? tx`INSERT INTO logs (origin, station, log, size, root, checkpoint, cosigned, state) VALUES (${origin}, ${stationId}, ${log}, ${size}, ${root}, ${batch.checkpoint}, ${batch.cosigned}, ${state})`
        : tx`UPDATE logs SET size = ${size}, root = ${root}, checkpoint = ${batch.checkpoint}, cosigned = ${batch.cosigned}, state = ${state} WHERE origin = ${origin} AND size = ${oldSize}`;
    writes.push(
      headWrite.then((result) => {
        if (result.count !== 1)
          throw new Error(`invariant failed: the head of ${origin} moved during its own transaction`);
      }),
    );
    await Promise.all(writes);
  }

  async recordFork(body: unknown): Promise<number> {
    const [row] = await this.tx<{ id: number }[]>`
      INSERT INTO evidence (kind, station, origin, body, recorded) VALUES ('fork', ${this.stationId}, ${this.origin}, ${JSON.stringify(body)}, ${this.window.nowMs()}) RETURNING id`;
    if (row === undefined) throw new Error('invariant failed: evidence insert returned no id');
    await this
      .tx`INSERT INTO frozen (station, evidence_id) VALUES (${this.stationId}, ${row.id}) ON CONFLICT (station) DO NOTHING`;
    return row.id;
  }
}

class PostgresWriteSide implements ValidatorWriteStore {
  constructor(
    private readonly sql: Sql,
    private readonly window: TimeWindow,
  ) {}

  async withLog<T>(origin: string, stationId: string, work: (tx: LogTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.sql.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`urna/station/${stationId}`}, 0))`;
          const [[row], frozen] = await Promise.all([
            tx<
              LogRow[]
            >`SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs WHERE origin = ${origin}`,
            tx<{ evidence_id: number }[]>`SELECT evidence_id FROM frozen WHERE station = ${stationId}`,
          ]);
          const head =
            row === undefined
              ? undefined
              : headFromRecord(recordOf(row), await fetchNodes(tx, origin, frontierNodes(row.size)));
          return work(new PostgresLogTransaction(tx, origin, stationId, this.window, head, frozen[0]?.evidence_id));
        })) as T;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }
}

export class PostgresValidatorStore implements ValidatorStore {
  readonly kind = 'postgres';
  readonly read: ValidatorReadStore;
  readonly write: ValidatorWriteStore;

  private constructor(
    private readonly writer: Sql,
    private readonly reader: Sql,
    window: TimeWindow,
  ) {
    this.read = new PostgresReadSide(reader);
    this.write = new PostgresWriteSide(writer, window);
  }

  /** Connects and checks the schema version and the election; `migrate` applies pending migrations first. */
  static async open(
    options: PostgresStoreOptions,
    electionId: ElectionId,
    migrate = false,
  ): Promise<Result<PostgresValidatorStore, StoreOpenError>> {
    const poolSize = options.poolSize ?? 10;
    const writer = connect(options.url, poolSize);
    const reader =
      options.readUrl === undefined || options.readUrl === options.url ? writer : connect(options.readUrl, poolSize);
    const fail = async (error: StoreOpenError) => {
      await Promise.allSettled([
        writer.end({ timeout: 1 }),
        reader === writer ? Promise.resolve() : reader.end({ timeout: 1 }),
      ]);
      return err(error);
    };
    try {
      const known = migrationsFor('postgres').length;
      const version = migrate ? await migratePostgres(writer, electionId) : await schemaVersion(writer);
      if (version < known) {
        return await fail({
          kind: 'schema',
          message: `the database is at schema version ${version} and this program needs ${known}: run \`urna validator migrate --config FILE\` first`,
        });
      }
      if (version > known) return await fail({ kind: 'schema', message: describeVersionMismatch(version, known) });
      const meta = new Map(
        (await writer<{ key: string; value: string }[]>`SELECT key, value FROM meta`).map((r) => [r.key, r.value]),
      );
      if (meta.get('election') !== electionId)
        return await fail({ kind: 'wrong-election', stored: String(meta.get('election')), expected: electionId });
    } catch (error) {
      return fail({ kind: 'storage', message: `PostgreSQL: ${message(error)}` });
    }
    return ok(new PostgresValidatorStore(writer, reader, options.window ?? DEFAULT_TIME_WINDOW));
  }

  async close(): Promise<void> {
    await this.writer.end({ timeout: 5 });
    if (this.reader !== this.writer) await this.reader.end({ timeout: 5 });
  }
}

export { StoreIntegrityError };
