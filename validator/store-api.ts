/**
 * The validator's store as two asynchronous sides, implemented by SQLite (store.ts,
 * the embedded default) and PostgreSQL (store-postgres.ts, any number of validator
 * processes on one database):
 *
 *   read side    what the public bulletin board serves: committed logs, entries,
 *                proofs, confirmation codes, totals and evidence. It may run on a
 *                read replica; nothing it answers decides a cosignature.
 *   write side   `withLog(origin, station, work)`: one database transaction, with
 *                the station serialized by the database (an immediate SQLite
 *                transaction; a PostgreSQL advisory lock on the station), in which
 *                `work` reads the log's head and everything its checks need,
 *                then commits the batch or records fork evidence and freezes the
 *                station. Nothing is kept in process memory between transactions:
 *                every decision is taken on what the transaction read.
 *
 * The checks (checks.ts) are synchronous; `lookups` fetches, inside the transaction,
 * every stored fact they may ask about (keys taken from the entry texts) so they can
 * run without an await. A key the extraction missed is recorded and the checks run
 * again with it fetched (`runWithLookups`).
 */
import {
  encryptedBallotFromCheckedRecord,
  GroupElement,
  Point,
  type EncryptedBallot,
  type EncryptedBallotRecord,
} from '../core/ballot';
import { decodeRistretto, encodeRistretto, sumOfPoints } from '../core/ballot/fast25519';
import type { Bytes } from '../core/encoding/bytes';
import { bytesEqual, fromBase64Url, toBase64Url } from '../core/encoding/bytes';
import type { LogKind, StationId } from '../core/ids';
import { CompactMerkleTree, perfectSubtreesOf, type StoredNode, type SubtreeHashSource } from '../core/ledger/merkle';
import type { BallotPlace } from '../core/record/ballot-uniqueness';
import { nodeMerkleHasher } from '../storage/merkle-hasher';
import type { BallotStatus, CheckedBatch, LogCheckState, ParsedEntryText } from './checks';

/** A log as committed: what the read side serves. */
export type LogRecord = {
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
};

/** A `logs` row as both stores return it. */
export type LogRow = {
  origin: string;
  station: string;
  log: string;
  size: number;
  root: Buffer;
  checkpoint: string;
  cosigned: string;
  state: string;
};

export function recordOf(row: LogRow): LogRecord {
  return {
    origin: row.origin,
    stationId: row.station as StationId,
    log: row.log as LogKind,
    size: row.size,
    root: row.root,
    checkpoint: row.checkpoint,
    cosigned: row.cosigned,
    state: JSON.parse(row.state) as LogCheckState,
  };
}

/** A log as a write transaction holds it: the record and its Merkle frontier, checked against the root. */
export type CommittedLogHead = LogRecord & { readonly tree: CompactMerkleTree };

export type StoreOpenError =
  | { readonly kind: 'storage'; readonly message: string }
  | { readonly kind: 'wrong-election'; readonly stored: string; readonly expected: string }
  | { readonly kind: 'integrity'; readonly origin: string; readonly reason: string }
  | { readonly kind: 'schema'; readonly message: string };

export function describeStoreOpenError(error: StoreOpenError): string {
  switch (error.kind) {
    case 'storage':
      return `validator store: ${error.message}`;
    case 'wrong-election':
      return `the validator store holds election ${error.stored}, not ${error.expected}: use another data directory or database`;
    case 'integrity':
      return `validator store log ${error.origin} failed verification: ${error.reason}`;
    case 'schema':
      return `validator store schema: ${error.message}`;
  }
}

/** A stored log whose nodes no longer give its root: the transaction stops, nothing is written. */
export class StoreIntegrityError extends Error {
  constructor(
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`validator store log ${origin} failed verification: ${reason}`);
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

/** A checked batch's rows: entries, nodes, and what its checks found (ballots, αs, check-ins, duplicates, cast ballots). */
export type BatchRows = {
  readonly origin: string;
  readonly stationId: StationId;
  readonly log: LogKind;
  readonly from: number;
  readonly bodies: readonly Buffer[];
  readonly nodes: readonly StoredNode[];
  readonly checked: CheckedBatch;
};

/** A batch and the new head over it. */
export type BatchCommit = BatchRows & {
  readonly tree: CompactMerkleTree;
  readonly checkpoint: string;
  readonly cosigned: string;
};

/** Rows `stageRows` may have written ahead; `discard` takes back whatever it wrote. */
export type StagedRows = { discard(): Promise<void> };

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

export interface ValidatorReadStore {
  head(origin: string): Promise<LogRecord | undefined>;
  logs(): Promise<readonly LogRecord[]>;
  /** Every frozen station and the evidence that froze it. */
  frozenStations(): Promise<ReadonlyMap<string, number>>;
  rootAt(origin: string, size: number): Promise<Bytes>;
  inclusionProof(origin: string, index: number, size: number): Promise<Bytes[]>;
  consistencyProof(origin: string, oldSize: number, newSize: number): Promise<Bytes[]>;
  entryTexts(origin: string, from: number, to: number): Promise<string[]>;
  entryText(origin: string, index: number): Promise<string | undefined>;
  lookupConfirmationCode(code: string): Promise<ConfirmationLookup | undefined>;
  /**
   * Ballots whose full confirmation code starts with `prefix` (base64url, compared
   * byte for byte), at most `limit`: how a short code finds its candidates.
   */
  confirmationCodesWithPrefix(
    prefix: string,
    limit: number,
  ): Promise<(ConfirmationLookup & { readonly code: string })[]>;
  evidence(afterId: number, limit: number): Promise<EvidenceRecord[]>;
  evidenceCount(): Promise<number>;
  totals(): Promise<StationTotals[]>;
  /** What the health endpoint reports about the store (kind and durability settings). */
  describe(): Promise<Readonly<Record<string, unknown>>>;
}

/** The keys a batch's checks may look up, taken from its entry texts. */
export type LookupKeys = {
  readonly ballotIds: ReadonlySet<string>;
  readonly voterHashes: ReadonlySet<string>;
  /** Selection αs, unpadded base64url as the entries carry them. */
  readonly alphas: ReadonlySet<string>;
};

/** What a store answers for `LookupKeys`, inside the write transaction. */
export type LookupRows = {
  /** This station's ballots among the keys, with the stored pending entry of those still pending. */
  readonly ballots: readonly {
    readonly ballotId: string;
    readonly status: BallotStatus;
    readonly pendingEntry: string | undefined;
  }[];
  /** Check-ins of the voter hashes at any station, ordered by station and index. */
  readonly checkIns: readonly { readonly voterHash: string; readonly stationId: string; readonly index: number }[];
  /** Where each ballot id among the keys was shown, at any station. */
  readonly ballotPlaces: readonly { readonly ballotId: string; readonly stationId: string; readonly index: number }[];
  /** Where each α among the keys was shown (bytes as stored). */
  readonly alphaPlaces: readonly { readonly alpha: Bytes; readonly stationId: string; readonly index: number }[];
};

export interface LogTransaction {
  /** The log as committed, read under the station's lock; undefined for a log never cosigned. */
  readonly head: CommittedLogHead | undefined;
  /** The evidence that froze the station, read under the same lock. */
  readonly frozenBy: number | undefined;
  rootAt(size: number): Promise<Bytes>;
  consistencyProof(oldSize: number, newSize: number): Promise<Bytes[]>;
  lookups(keys: LookupKeys): Promise<LookupRows>;
  /**
   * Writes the batch: entries, nodes, ballots, αs, check-ins, duplicates as evidence,
   * totals and the new head (only if the head is still the one read). With `staged`,
   * from `stageRows` on the same rows, what was written ahead is not written again.
   */
  commitBatch(batch: BatchCommit, staged?: StagedRows): Promise<void>;
  /**
   * May write ahead the rows of a batch whose checks passed on assumed proof verdicts,
   * while the proofs are still being checked (everything but the running totals and
   * the head); `discard` takes them back out of the transaction if the verdicts differ.
   * A store may also write nothing here and everything in `commitBatch`.
   */
  stageRows(rows: BatchRows): Promise<StagedRows>;
  /** Stores fork evidence and freezes the station; returns the evidence id. */
  recordFork(body: unknown): Promise<number>;
}

export interface ValidatorWriteStore {
  /**
   * Runs `work` in one transaction holding the station's lock; commits what it wrote
   * when it returns, rolls back when it throws. A transaction the database aborts for
   * a conflict with another process (a unique index, a deadlock) runs again from the
   * start, so `work` must have no effects outside the transaction.
   */
  withLog<T>(origin: string, stationId: string, work: (tx: LogTransaction) => Promise<T>): Promise<T>;
}

export interface ValidatorStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly read: ValidatorReadStore;
  readonly write: ValidatorWriteStore;
  close(): Promise<void>;
}

/** Rebuilds a log's frontier from its stored nodes and checks it against the stored root. */
export function headFromRecord(record: LogRecord, frontier: ReadonlyMap<string, Bytes>): CommittedLogHead {
  const hashes: Bytes[] = [];
  for (const t of perfectSubtreesOf(0, record.size)) {
    const node = frontier.get(`${t.level}/${t.index}`);
    if (node === undefined) throw new StoreIntegrityError(record.origin, `node ${t.level}/${t.index} is missing`);
    hashes.push(node);
  }
  const tree = CompactMerkleTree.fromFrontier(record.size, hashes, nodeMerkleHasher);
  if (!bytesEqual(tree.root(), record.root))
    throw new StoreIntegrityError(record.origin, 'stored nodes do not give the stored root');
  return { ...record, tree };
}

/** The nodes a head's frontier needs, as (level, index) pairs. */
export function frontierNodes(size: number): { level: number; index: number }[] {
  return perfectSubtreesOf(0, size).map((t) => ({ level: t.level, index: t.index }));
}

/** Every ballot id, voter hash and α the entries mention (any depth): the keys their checks may look up. */
export function lookupKeysOf(entries: readonly ParsedEntryText[], extra?: LookupKeys): LookupKeys {
  const ballotIds = new Set(extra?.ballotIds);
  const voterHashes = new Set(extra?.voterHashes);
  const alphas = new Set(extra?.alphas);
  const walk = (value: unknown, depth: number): void => {
    if (depth > 12 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') {
        if (key === 'ballotId') ballotIds.add(item);
        else if (key === 'voterHash') voterHashes.add(item);
        else if (key === 'alpha') alphas.add(item);
      } else walk(item, depth + 1);
    }
  };
  // An entry that is not canonical JSON is refused without looking anything up.
  for (const entry of entries) if (entry.ok) walk(entry.value, 0);
  return { ballotIds, voterHashes, alphas };
}

/** 32 bytes as unpadded base64url, canonical: the last character's two spare bits clear. */
const CANONICAL_32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** The bytes an α key names in the store, or undefined for text that is not base64url. */
export function alphaBytes(alpha: string): Buffer | undefined {
  try {
    return Buffer.from(fromBase64Url(alpha));
  } catch {
    return undefined;
  }
}

/**
 * The store's answers as the synchronous callbacks checks.ts takes. A question about
 * a key that was not fetched is answered "nothing stored" and remembered in `misses`;
 * the caller then fetches it and runs the checks again.
 */
export class PrefetchedLookups {
  readonly misses = { ballotIds: new Set<string>(), voterHashes: new Set<string>(), alphas: new Set<string>() };
  private readonly ballots: Map<string, { status: BallotStatus; pendingEntry: string | undefined }>;
  private readonly checkIns = new Map<string, { stationId: string; index: number }[]>();
  private readonly ballotPlaces: Map<string, BallotPlace>;
  private readonly alphaPlaces: Map<string, BallotPlace>;

  constructor(
    private readonly keys: LookupKeys,
    rows: LookupRows,
  ) {
    this.ballots = new Map(rows.ballots.map((b) => [b.ballotId, { status: b.status, pendingEntry: b.pendingEntry }]));
    for (const c of rows.checkIns) {
      const list = this.checkIns.get(c.voterHash) ?? [];
      list.push({ stationId: c.stationId, index: c.index });
      this.checkIns.set(c.voterHash, list);
    }
    this.ballotPlaces = new Map(rows.ballotPlaces.map((p) => [p.ballotId, { stationId: p.stationId, index: p.index }]));
    this.alphaPlaces = new Map(
      rows.alphaPlaces.map((p) => [toBase64Url(p.alpha), { stationId: p.stationId, index: p.index }]),
    );
  }

  get missed(): boolean {
    return this.misses.ballotIds.size + this.misses.voterHashes.size + this.misses.alphas.size > 0;
  }

  ballotStatus(ballotId: string): BallotStatus | undefined {
    if (!this.keys.ballotIds.has(ballotId)) this.misses.ballotIds.add(ballotId);
    return this.ballots.get(ballotId)?.status;
  }

  pendingBallot(ballotId: string): EncryptedBallot | undefined {
    if (!this.keys.ballotIds.has(ballotId)) this.misses.ballotIds.add(ballotId);
    const text = this.ballots.get(ballotId)?.pendingEntry;
    if (text === undefined) return undefined;
    // Stored entries passed every check before they were committed.
    return encryptedBallotFromCheckedRecord((JSON.parse(text) as { ballot: EncryptedBallotRecord }).ballot);
  }

  checkInsOf(voterHash: string): { stationId: string; index: number }[] {
    if (!this.keys.voterHashes.has(voterHash)) this.misses.voterHashes.add(voterHash);
    return this.checkIns.get(voterHash) ?? [];
  }

  placeOfBallotId(ballotId: string): BallotPlace | undefined {
    if (!this.keys.ballotIds.has(ballotId)) this.misses.ballotIds.add(ballotId);
    return this.ballotPlaces.get(ballotId);
  }

  placeOfAlpha(alpha: string): BallotPlace | undefined {
    // Keyed by the canonical spelling of the bytes: a decoded ballot's α already is one.
    let key = alpha;
    if (!CANONICAL_32.test(alpha)) {
      const bytes = alphaBytes(alpha);
      if (bytes === undefined) return undefined;
      key = toBase64Url(bytes);
    }
    if (!this.keys.alphas.has(alpha)) this.misses.alphas.add(alpha);
    return this.alphaPlaces.get(key);
  }
}

/**
 * Runs synchronous checks against lookups fetched in the transaction; if they asked
 * about a key the entry texts did not show, fetches it too and runs them again.
 */
export async function runWithLookups<T>(
  tx: LogTransaction,
  entries: readonly ParsedEntryText[],
  check: (lookups: PrefetchedLookups) => T,
): Promise<T> {
  let keys = lookupKeysOf(entries);
  for (let round = 0; ; round++) {
    const lookups = new PrefetchedLookups(keys, await tx.lookups(keys));
    const result = check(lookups);
    if (!lookups.missed) return result;
    if (round >= 2) throw new Error('invariant failed: the checks keep asking for keys that were fetched');
    keys = {
      ballotIds: new Set([...keys.ballotIds, ...lookups.misses.ballotIds]),
      voterHashes: new Set([...keys.voterHashes, ...lookups.misses.voterHashes]),
      alphas: new Set([...keys.alphas, ...lookups.misses.alphas]),
    };
  }
}

type SumPoint = InstanceType<typeof Point>;

/**
 * A stored running sum as a point. The decoding (and `encodeRistretto` back) is the
 * project's WebAssembly codec rather than the library's bigint one: a validator spends
 * a tenth of its time here otherwise, decoding and encoding every sum a batch touches.
 */
function storedSum(bytes: Bytes): SumPoint {
  const point = decodeRistretto(bytes);
  if (point === undefined) throw new Error('a stored running sum is not a group element');
  return point;
}

/** A stored sum plus the cast ballots' points (added straight from the coordinates the proof pool handed back, where it did). */
function total(terms: { readonly stored: SumPoint | undefined; readonly cast: readonly GroupElement[] }): SumPoint {
  const cast = GroupElement.sum(terms.cast);
  return terms.stored === undefined ? cast : sumOfPoints([terms.stored, cast]);
}

/** The running totals a batch changes, from the station's stored sums: rows to upsert and ballots per contest to add. */
export function totalsAfter(
  stored: readonly { contest: string; selection: string; alpha: Bytes; beta: Bytes }[],
  checked: CheckedBatch,
): { sums: { contest: string; selection: string; alpha: Buffer; beta: Buffer }[]; contestCounts: Map<string, number> } {
  const key = (contest: string, selection: string) => `${contest}\u0000${selection}`;
  // Each sum's terms first, added once at the end: the stored sum, then the cast ballots' α and β in order.
  type Terms = { stored: SumPoint | undefined; cast: GroupElement[] };
  const sums = new Map<string, { contest: string; selection: string; alphas: Terms; betas: Terms }>();
  const byKey = new Map(stored.map((r) => [key(r.contest, r.selection), r]));
  const contestCounts = new Map<string, number>();
  for (const ballot of checked.cast) {
    for (const contest of ballot.contests) {
      contestCounts.set(contest.contestId, (contestCounts.get(contest.contestId) ?? 0) + 1);
      for (const s of contest.selections) {
        const k = key(contest.contestId, s.selectionId);
        let sum = sums.get(k);
        if (sum === undefined) {
          const row = byKey.get(k);
          sum = {
            contest: contest.contestId,
            selection: s.selectionId,
            alphas: { stored: row === undefined ? undefined : storedSum(row.alpha), cast: [] },
            betas: { stored: row === undefined ? undefined : storedSum(row.beta), cast: [] },
          };
          sums.set(k, sum);
        }
        sum.alphas.cast.push(s.ciphertext.alpha);
        sum.betas.cast.push(s.ciphertext.beta);
      }
    }
  }
  return {
    sums: [...sums.values()].map((s) => ({
      contest: s.contest,
      selection: s.selection,
      alpha: Buffer.from(encodeRistretto(total(s.alphas))),
      beta: Buffer.from(encodeRistretto(total(s.betas))),
    })),
    contestCounts,
  };
}

/** The evidence body of a poll-book duplicate: the voter hash stays with the validator, the public learns only which entries collide. */
export function duplicateEvidenceBody(stationId: string, log: LogKind, d: CheckedBatch['duplicates'][number]): unknown {
  return { checkIn: { stationId, log, index: d.index }, earlier: d.earlier };
}

/**
 * A proof or root over stored nodes fetched asynchronously. Which nodes a proof
 * reads depends only on the sizes, never on the hashes, so a first pass with
 * placeholder hashes names them all; they are fetched at once and the second pass
 * computes the answer.
 */
export async function withFetchedNodes<T>(
  fetch: (keys: readonly { level: number; index: number }[]) => Promise<ReadonlyMap<string, Bytes>>,
  compute: (source: SubtreeHashSource) => T,
  origin: string,
): Promise<T> {
  const wanted = new Map<string, { level: number; index: number }>();
  const placeholder = new Uint8Array(32);
  compute({
    subtreeHash: (level, index) => {
      wanted.set(`${level}/${index}`, { level, index });
      return placeholder;
    },
  });
  const nodes = wanted.size === 0 ? new Map<string, Bytes>() : await fetch([...wanted.values()]);
  return compute({
    subtreeHash: (level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (hash === undefined) throw new StoreIntegrityError(origin, `node ${level}/${index} is missing`);
      return hash;
    },
  });
}

/** The totals rows (ordered by station, contest, insertion) as the bulletin board serves them. */
export function stationTotals(
  rows: readonly { station: string; contest: string; selection: string; alpha: Bytes; beta: Bytes }[],
  contestBallots: readonly { station: string; contest: string; n: number }[],
): StationTotals[] {
  const counts = new Map(contestBallots.map((r) => [`${r.station}\u0000${r.contest}`, r.n]));
  const out = new Map<string, Map<string, { selectionId: string; alpha: string; beta: string }[]>>();
  for (const row of rows) {
    const station = out.get(row.station) ?? new Map<string, { selectionId: string; alpha: string; beta: string }[]>();
    out.set(row.station, station);
    const list = station.get(row.contest) ?? [];
    station.set(row.contest, list);
    list.push({
      selectionId: row.selection,
      alpha: GroupElement.of(Point.fromBytes(row.alpha)).toBase64Url(),
      beta: GroupElement.of(Point.fromBytes(row.beta)).toBase64Url(),
    });
  }
  return [...out].map(([stationId, contests]) => ({
    stationId,
    contests: [...contests].map(([contestId, selections]) => ({
      contestId,
      ballots: counts.get(`${stationId}\u0000${contestId}`) ?? 0,
      selections,
    })),
  }));
}
