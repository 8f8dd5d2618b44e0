/**
 * The validator's own store: every station log it has cosigned, entry by entry, with
 * the Merkle nodes to serve proofs and recompute roots, the latest station checkpoint
 * and this validator's cosigned copy, the ballot index (lifecycle and confirmation
 * codes; ballot ids and selection αs indexed across all stations, so a ballot shown
 * at one station is refused at any other with one lookup, not a scan), poll-book check-ins, running encrypted totals and evidence.
 *
 * Durability: WAL with synchronous=FULL set on this connection. A batch — entries,
 * nodes, ballot and check-in rows, totals, duplicates, the new checkpoint and the
 * log's check state — commits in one transaction before the validator answers, so
 * a SIGKILL leaves either the whole batch or none of it.
 *
 *   logs(origin, station, log, size, root, checkpoint, cosigned, state)
 *   entries(origin, idx, body)            nodes(origin, level, idx, hash)
 *   ballots(station, ballot_id, status, idx, resolved_idx, code, style)   ballot_id unique election-wide
 *   alphas(alpha, station, idx)            every shown selection's α, unique election-wide
 *   checkins(voter_hash, station, idx)    totals(station, contest, selection, alpha, beta)
 *   contest_ballots(station, contest, n)  evidence(id, kind, station, origin, body)
 *   frozen(station, evidence_id)
 */
import { mkdirSync } from 'node:fs';
import { hash as nodeHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { encryptedBallotFromCheckedRecord, GroupElement, Point, type EncryptedBallot, type EncryptedBallotRecord } from '../core/ballot';
import type { Bytes } from '../core/encoding/bytes';
import { bytesEqual, fromBase64Url, utf8Decode } from '../core/encoding/bytes';
import type { ElectionId, LogKind, StationId } from '../core/ids';
import {
  CompactMerkleTree,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  merkleHasherFrom,
  perfectSubtreesOf,
  rootFromSource,
  type MerkleHasher,
  type StoredNode,
  type SubtreeHashSource,
} from '../core/ledger/merkle';
import type { BallotPlace } from '../core/record/ballot-uniqueness';
import { err, ok, type Result } from '../core/result';
import type { BallotStatus, CheckedBatch, LogCheckState } from './checks';
import { DEFAULT_TIME_WINDOW, type TimeWindow } from './time-window';

export const VALIDATOR_DB_FILE = 'validator.sqlite';
/**
 * v2: ballot ids unique across stations, the alphas table. A v1 store holds ballots
 * whose proofs use the v1 transcripts (not bound to the station), which no longer
 * verify, so it is refused rather than migrated.
 */
const FORMAT = 'urna-validator/2';

export const nodeSha256Hasher: MerkleHasher = merkleHasherFrom((data) => nodeHash('sha256', data, 'buffer'));

export type LogHead = {
  readonly origin: string;
  readonly stationId: StationId;
  readonly log: LogKind;
  readonly size: number;
  readonly root: Bytes;
  /** The station's signed checkpoint for `size` (station signature only). */
  readonly checkpoint: string | undefined;
  /** The same checkpoint with this validator's cosignature line appended. */
  readonly cosigned: string | undefined;
  readonly state: LogCheckState;
  readonly tree: CompactMerkleTree;
};

export type StoreOpenError =
  | { readonly kind: 'storage'; readonly message: string }
  | { readonly kind: 'wrong-election'; readonly stored: string; readonly expected: string }
  | { readonly kind: 'integrity'; readonly origin: string; readonly reason: string };

export function describeStoreOpenError(error: StoreOpenError): string {
  switch (error.kind) {
    case 'storage':
      return `validator store: ${error.message}`;
    case 'wrong-election':
      return `the validator store holds election ${error.stored}, not ${error.expected}: use another data directory`;
    case 'integrity':
      return `validator store log ${error.origin} failed verification: ${error.reason}`;
  }
}

export type EvidenceKind = 'fork' | 'pollbook-duplicate';

export type EvidenceRecord = {
  readonly id: number;
  readonly kind: EvidenceKind;
  readonly stationId: string;
  readonly origin: string;
  readonly body: unknown;
};

export type BatchCommit = {
  readonly origin: string;
  readonly stationId: StationId;
  readonly log: LogKind;
  readonly from: number;
  readonly bodies: readonly Buffer[];
  readonly nodes: readonly StoredNode[];
  readonly tree: CompactMerkleTree;
  readonly checkpoint: string;
  readonly cosigned: string;
  readonly checked: CheckedBatch;
};

export type ConfirmationLookup = {
  readonly stationId: string;
  readonly ballotId: string;
  readonly status: BallotStatus;
  readonly index: number;
  readonly resolvedIndex: number | null;
  readonly ballotStyleId: string | null;
};

export type StationTotals = {
  readonly stationId: string;
  readonly contests: readonly {
    readonly contestId: string;
    readonly ballots: number;
    readonly selections: readonly { readonly selectionId: string; readonly alpha: string; readonly beta: string }[];
  }[];
};

type LogRow = { origin: string; station: string; log: string; size: number; root: Buffer; checkpoint: string; cosigned: string; state: string };
type SumKey = string;
type Sums = Map<SumKey, { alpha: InstanceType<typeof Point>; beta: InstanceType<typeof Point> }>;

function sumKey(contestId: string, selectionId: string): SumKey {
  return `${contestId}\u0000${selectionId}`;
}

export class ValidatorStore {
  private readonly heads = new Map<string, LogHead>();
  private readonly sums = new Map<string, Sums>();
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly window: TimeWindow,
  ) {
    this.statements = {
      entry: db.prepare<[string, number], { body: Buffer }>('SELECT body FROM entries WHERE origin = ? AND idx = ?'),
      entryRange: db.prepare<[string, number, number], { body: Buffer }>('SELECT body FROM entries WHERE origin = ? AND idx >= ? AND idx < ? ORDER BY idx'),
      node: db.prepare<[string, number, number], { hash: Buffer }>('SELECT hash FROM nodes WHERE origin = ? AND level = ? AND idx = ?'),
      insertEntry: db.prepare<[string, number, Buffer]>('INSERT INTO entries (origin, idx, body) VALUES (?, ?, ?)'),
      insertNode: db.prepare<[string, number, number, Buffer]>('INSERT INTO nodes (origin, level, idx, hash) VALUES (?, ?, ?, ?)'),
      upsertLog: db.prepare<[string, string, string, number, Buffer, string, string, string]>(
        'INSERT INTO logs (origin, station, log, size, root, checkpoint, cosigned, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, checkpoint = excluded.checkpoint, cosigned = excluded.cosigned, state = excluded.state',
      ),
      updateCosigned: db.prepare<[string, string]>('UPDATE logs SET cosigned = ? WHERE origin = ?'),
      ballot: db.prepare<[string, string], { status: BallotStatus; idx: number }>('SELECT status, idx FROM ballots WHERE station = ? AND ballot_id = ?'),
      insertBallot: db.prepare<[string, string, string, number, number | null, string | null, string | null]>(
        'INSERT INTO ballots (station, ballot_id, status, idx, resolved_idx, code, style) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      resolveBallot: db.prepare<[string, number, string, string]>('UPDATE ballots SET status = ?, resolved_idx = ? WHERE station = ? AND ballot_id = ?'),
      byCode: db.prepare<[string], { station: string; ballot_id: string; status: BallotStatus; idx: number; resolved_idx: number | null; style: string | null }>(
        'SELECT station, ballot_id, status, idx, resolved_idx, style FROM ballots WHERE code = ?',
      ),
      ballotById: db.prepare<[string], { station: string; idx: number }>('SELECT station, idx FROM ballots WHERE ballot_id = ?'),
      alpha: db.prepare<[Buffer], { station: string; idx: number }>('SELECT station, idx FROM alphas WHERE alpha = ?'),
      insertAlpha: db.prepare<[Buffer, string, number]>('INSERT INTO alphas (alpha, station, idx) VALUES (?, ?, ?)'),
      checkIns: db.prepare<[string], { station: string; idx: number }>('SELECT station, idx FROM checkins WHERE voter_hash = ? ORDER BY station, idx'),
      insertCheckIn: db.prepare<[string, string, number]>('INSERT INTO checkins (voter_hash, station, idx) VALUES (?, ?, ?)'),
      sums: db.prepare<[string], { contest: string; selection: string; alpha: Buffer; beta: Buffer }>('SELECT contest, selection, alpha, beta FROM totals WHERE station = ?'),
      upsertSum: db.prepare<[string, string, string, Buffer, Buffer]>(
        'INSERT INTO totals (station, contest, selection, alpha, beta) VALUES (?, ?, ?, ?, ?) ON CONFLICT (station, contest, selection) DO UPDATE SET alpha = excluded.alpha, beta = excluded.beta',
      ),
      addContestBallots: db.prepare<[string, string, number]>(
        'INSERT INTO contest_ballots (station, contest, n) VALUES (?, ?, ?) ON CONFLICT (station, contest) DO UPDATE SET n = n + excluded.n',
      ),
      allTotals: db.prepare<[], { station: string; contest: string; selection: string; alpha: Buffer; beta: Buffer }>(
        'SELECT station, contest, selection, alpha, beta FROM totals ORDER BY station, contest, rowid',
      ),
      contestBallots: db.prepare<[], { station: string; contest: string; n: number }>('SELECT station, contest, n FROM contest_ballots'),
      insertEvidence: db.prepare<[string, string, string, string, number]>('INSERT INTO evidence (kind, station, origin, body, recorded) VALUES (?, ?, ?, ?, ?)'),
      evidence: db.prepare<[number, number], { id: number; kind: EvidenceKind; station: string; origin: string; body: string }>(
        'SELECT id, kind, station, origin, body FROM evidence WHERE id > ? ORDER BY id LIMIT ?',
      ),
      evidenceCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM evidence'),
      freeze: db.prepare<[string, number]>('INSERT OR IGNORE INTO frozen (station, evidence_id) VALUES (?, ?)'),
      frozen: db.prepare<[string], { evidence_id: number }>('SELECT evidence_id FROM frozen WHERE station = ?'),
    };
  }

  /** `window`: evidence rows record the start of their time window, not the moment (time-window.ts). */
  static open(directory: string, electionId: ElectionId, window: TimeWindow = DEFAULT_TIME_WINDOW): Result<ValidatorStore, StoreOpenError> {
    let db: Database.Database;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      db = new Database(path.join(directory, VALIDATOR_DB_FILE));
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)})`);
      db.pragma('synchronous = FULL');
      if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('SQLite refused synchronous=FULL');
      db.pragma('busy_timeout = 5000');
      const fresh = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'meta'").get() as { n: number }).n === 0;
      if (fresh) createSchema(db, electionId);
    } catch (error) {
      return err({ kind: 'storage', message: error instanceof Error ? error.message : String(error) });
    }
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
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
    const store = new ValidatorStore(db, window);
    const loaded = store.loadHeads();
    if (!loaded.ok) {
      db.close();
      return loaded;
    }
    return ok(store);
  }

  /** Rebuilds each log's frontier from its stored nodes and checks it against the stored root. */
  private loadHeads(): Result<void, StoreOpenError> {
    const rows = this.db.prepare('SELECT origin, station, log, size, root, checkpoint, cosigned, state FROM logs').all() as LogRow[];
    for (const row of rows) {
      const hashes: Bytes[] = [];
      for (const t of perfectSubtreesOf(0, row.size)) {
        const node = this.statements.node.get(row.origin, t.level, t.index);
        if (node === undefined) return err({ kind: 'integrity', origin: row.origin, reason: `node ${t.level}/${t.index} is missing` });
        hashes.push(node.hash);
      }
      const tree = CompactMerkleTree.fromFrontier(row.size, hashes, nodeSha256Hasher);
      if (!bytesEqual(tree.root(), row.root)) return err({ kind: 'integrity', origin: row.origin, reason: 'stored nodes do not give the stored root' });
      this.heads.set(row.origin, {
        origin: row.origin,
        stationId: row.station as StationId,
        log: row.log as LogKind,
        size: row.size,
        root: row.root,
        checkpoint: row.checkpoint,
        cosigned: row.cosigned,
        state: JSON.parse(row.state) as LogCheckState,
        tree,
      });
    }
    return ok();
  }

  head(origin: string): LogHead | undefined {
    return this.heads.get(origin);
  }

  logs(): readonly LogHead[] {
    return [...this.heads.values()].sort((a, b) => a.origin.localeCompare(b.origin));
  }

  private source(origin: string): SubtreeHashSource {
    return {
      subtreeHash: (level, index) => {
        const row = this.statements.node.get(origin, level, index);
        if (row === undefined) throw new Error(`invariant failed: node ${level}/${index} of ${origin} is missing`);
        return row.hash;
      },
    };
  }

  rootAt(origin: string, size: number): Bytes {
    if (size === 0) return EMPTY_ROOT;
    return rootFromSource(this.source(origin), size, nodeSha256Hasher);
  }

  inclusionProof(origin: string, index: number, size: number): Bytes[] {
    return inclusionProof(this.source(origin), index, size, nodeSha256Hasher);
  }

  consistencyProof(origin: string, oldSize: number, newSize: number): Bytes[] {
    return consistencyProof(this.source(origin), oldSize, newSize, nodeSha256Hasher);
  }

  entryTexts(origin: string, from: number, to: number): string[] {
    return this.statements.entryRange.all(origin, from, to).map((r) => utf8Decode(r.body));
  }

  entryText(origin: string, index: number): string | undefined {
    const row = this.statements.entry.get(origin, index);
    return row === undefined ? undefined : utf8Decode(row.body);
  }

  ballotStatus(stationId: string, ballotId: string): BallotStatus | undefined {
    return this.statements.ballot.get(stationId, ballotId)?.status;
  }

  /** The encrypted ballot of a stored ballot-pending entry. */
  pendingBallot(origin: string, stationId: string, ballotId: string): EncryptedBallot | undefined {
    const row = this.statements.ballot.get(stationId, ballotId);
    if (row === undefined) return undefined;
    const text = this.entryText(origin, row.idx);
    if (text === undefined) return undefined;
    // Stored entries passed every check before they were committed.
    return encryptedBallotFromCheckedRecord((JSON.parse(text) as { ballot: EncryptedBallotRecord }).ballot);
  }

  /** Where a ballot id was shown, at any station (the unique index on ballot_id). */
  placeOfBallotId(ballotId: string): BallotPlace | undefined {
    const row = this.statements.ballotById.get(ballotId);
    return row === undefined ? undefined : { stationId: row.station, index: row.idx };
  }

  /** Where a selection α (unpadded base64url) was shown, at any station. */
  placeOfAlpha(alpha: string): BallotPlace | undefined {
    const row = this.statements.alpha.get(Buffer.from(fromBase64Url(alpha)));
    return row === undefined ? undefined : { stationId: row.station, index: row.idx };
  }

  checkInsOf(voterHash: string): { stationId: string; index: number }[] {
    return this.statements.checkIns.all(voterHash).map((r) => ({ stationId: r.station, index: r.idx }));
  }

  lookupConfirmationCode(code: string): ConfirmationLookup | undefined {
    const row = this.statements.byCode.get(code);
    if (row === undefined) return undefined;
    return { stationId: row.station, ballotId: row.ballot_id, status: row.status, index: row.idx, resolvedIndex: row.resolved_idx, ballotStyleId: row.style };
  }

  frozenBy(stationId: string): number | undefined {
    return this.statements.frozen.get(stationId)?.evidence_id;
  }

  private stationSums(stationId: string): Sums {
    let sums = this.sums.get(stationId);
    if (sums === undefined) {
      sums = new Map();
      for (const row of this.statements.sums.all(stationId)) {
        sums.set(sumKey(row.contest, row.selection), { alpha: Point.fromBytes(row.alpha), beta: Point.fromBytes(row.beta) });
      }
      this.sums.set(stationId, sums);
    }
    return sums;
  }

  /** Commits one checked batch and the new checkpoint atomically; updates the in-memory head after the commit. */
  commitBatch(batch: BatchCommit): void {
    const { origin, stationId, log, checked } = batch;
    const newSums: Sums = new Map(this.stationSums(stationId));
    const touched = new Set<SumKey>();
    const contestCounts = new Map<string, number>();
    for (const ballot of checked.cast) {
      for (const contest of ballot.contests) {
        contestCounts.set(contest.contestId, (contestCounts.get(contest.contestId) ?? 0) + 1);
        for (const s of contest.selections) {
          const key = sumKey(contest.contestId, s.selectionId);
          const sum = newSums.get(key) ?? { alpha: Point.ZERO, beta: Point.ZERO };
          newSums.set(key, { alpha: sum.alpha.add(s.ciphertext.alpha.point), beta: sum.beta.add(s.ciphertext.beta.point) });
          touched.add(key);
        }
      }
    }
    const write = this.db.transaction(() => {
      batch.bodies.forEach((body, i) => this.statements.insertEntry.run(origin, batch.from + i, body));
      for (const node of batch.nodes) this.statements.insertNode.run(origin, node.level, node.index, Buffer.from(node.hash));
      for (const b of checked.ballots) {
        if (b.index < 0) this.statements.resolveBallot.run(b.status, b.resolvedIndex ?? -1, stationId, b.ballotId);
        else this.statements.insertBallot.run(stationId, b.ballotId, b.status, b.index, b.resolvedIndex ?? null, b.confirmationCode ?? null, b.ballotStyleId ?? null);
      }
      for (const a of checked.alphas) this.statements.insertAlpha.run(Buffer.from(fromBase64Url(a.alpha)), stationId, a.index);
      for (const c of checked.checkIns) this.statements.insertCheckIn.run(c.voterHash, stationId, c.index);
      for (const d of checked.duplicates) {
        const body = {
          // The voter hash stays with the validator: the public learns only which entries collide.
          checkIn: { stationId, log, index: d.index },
          earlier: d.earlier,
        };
        this.statements.insertEvidence.run('pollbook-duplicate', stationId, origin, JSON.stringify(body), this.window.nowMs());
      }
      for (const key of touched) {
        const [contest, selection] = key.split('\u0000') as [string, string];
        const sum = newSums.get(key);
        if (sum === undefined) continue;
        this.statements.upsertSum.run(stationId, contest, selection, Buffer.from(sum.alpha.toBytes()), Buffer.from(sum.beta.toBytes()));
      }
      for (const [contest, n] of contestCounts) this.statements.addContestBallots.run(stationId, contest, n);
      this.statements.upsertLog.run(origin, stationId, log, batch.tree.size, Buffer.from(batch.tree.root()), batch.checkpoint, batch.cosigned, JSON.stringify(checked.state));
    });
    write.immediate();
    this.sums.set(stationId, newSums);
    this.heads.set(origin, {
      origin,
      stationId,
      log,
      size: batch.tree.size,
      root: batch.tree.root(),
      checkpoint: batch.checkpoint,
      cosigned: batch.cosigned,
      state: checked.state,
      tree: batch.tree,
    });
  }

  /** Replaces the stored cosigned copy of the current checkpoint (a fresh cosignature for the same size). */
  updateCosigned(origin: string, cosigned: string): void {
    const head = this.heads.get(origin);
    if (head === undefined) throw new Error(`invariant failed: no log ${origin}`);
    this.statements.updateCosigned.run(cosigned, origin);
    this.heads.set(origin, { ...head, cosigned });
  }

  /** Stores fork evidence and freezes the station in one transaction; returns the evidence id. */
  recordFork(stationId: string, origin: string, body: unknown): number {
    const write = this.db.transaction(() => {
      const id = Number(this.statements.insertEvidence.run('fork', stationId, origin, JSON.stringify(body), this.window.nowMs()).lastInsertRowid);
      this.statements.freeze.run(stationId, id);
      return id;
    });
    return write.immediate();
  }

  evidence(afterId: number, limit: number): EvidenceRecord[] {
    return this.statements.evidence.all(afterId, limit).map((r) => ({ id: r.id, kind: r.kind, stationId: r.station, origin: r.origin, body: JSON.parse(r.body) as unknown }));
  }

  evidenceCount(): number {
    return this.statements.evidenceCount.get()?.n ?? 0;
  }

  totals(): StationTotals[] {
    const counts = new Map(this.statements.contestBallots.all().map((r) => [`${r.station}\u0000${r.contest}`, r.n]));
    const out = new Map<string, Map<string, { selectionId: string; alpha: string; beta: string }[]>>();
    for (const row of this.statements.allTotals.all()) {
      const station = out.get(row.station) ?? new Map<string, { selectionId: string; alpha: string; beta: string }[]>();
      out.set(row.station, station);
      const list = station.get(row.contest) ?? [];
      station.set(row.contest, list);
      list.push({ selectionId: row.selection, alpha: GroupElement.of(Point.fromBytes(row.alpha)).toBase64Url(), beta: GroupElement.of(Point.fromBytes(row.beta)).toBase64Url() });
    }
    return [...out].map(([stationId, contests]) => ({
      stationId,
      contests: [...contests].map(([contestId, selections]) => ({ contestId, ballots: counts.get(`${stationId}\u0000${contestId}`) ?? 0, selections })),
    }));
  }

  durability(): { journalMode: string; synchronous: number } {
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous: this.db.pragma('synchronous', { simple: true }) as number };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function createSchema(db: Database.Database, electionId: ElectionId): void {
  db.transaction(() => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE logs (origin TEXT PRIMARY KEY, station TEXT NOT NULL, log TEXT NOT NULL, size INTEGER NOT NULL,
        root BLOB NOT NULL, checkpoint TEXT NOT NULL, cosigned TEXT NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE entries (origin TEXT NOT NULL, idx INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (origin, idx)) WITHOUT ROWID;
      CREATE TABLE nodes (origin TEXT NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
        PRIMARY KEY (origin, level, idx)) WITHOUT ROWID;
      CREATE TABLE ballots (station TEXT NOT NULL, ballot_id TEXT NOT NULL, status TEXT NOT NULL, idx INTEGER NOT NULL,
        resolved_idx INTEGER, code TEXT, style TEXT, PRIMARY KEY (station, ballot_id)) WITHOUT ROWID;
      CREATE INDEX ballots_by_code ON ballots (code);
      CREATE UNIQUE INDEX ballots_by_id ON ballots (ballot_id);
      CREATE TABLE alphas (alpha BLOB PRIMARY KEY, station TEXT NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE checkins (voter_hash TEXT NOT NULL, station TEXT NOT NULL, idx INTEGER NOT NULL,
        PRIMARY KEY (voter_hash, station, idx)) WITHOUT ROWID;
      CREATE TABLE totals (station TEXT NOT NULL, contest TEXT NOT NULL, selection TEXT NOT NULL, alpha BLOB NOT NULL, beta BLOB NOT NULL,
        UNIQUE (station, contest, selection));
      CREATE TABLE contest_ballots (station TEXT NOT NULL, contest TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (station, contest)) WITHOUT ROWID;
      CREATE TABLE evidence (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, station TEXT NOT NULL, origin TEXT NOT NULL,
        body TEXT NOT NULL, recorded INTEGER NOT NULL);
      CREATE TABLE frozen (station TEXT PRIMARY KEY, evidence_id INTEGER NOT NULL) WITHOUT ROWID;
    `);
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('election', electionId);
  })();
}
