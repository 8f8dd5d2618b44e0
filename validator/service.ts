/**
 * The validator's write side: C2SP tlog-witness add-checkpoint, and the Urna call
 * that takes a station's new entries with the checkpoint over them. Each request is
 * checked in this order, and the first failure is the answer:
 *
 *   1. the request is well-formed                                    400
 *   2. the checkpoint names an enrolled station of this election     404
 *   3. the station's signature verifies                              403
 *   4. the station has not equivocated before                        403
 *   5. the checkpoint agrees with what this validator recorded; a
 *      different root for a recorded size is a fork: stored as
 *      evidence, the station frozen                                  409
 *   6. it extends exactly the recorded size                          409 (current size)
 *   7. the entries give the checkpoint's root / the proof verifies   422
 *   8. every entry passes the checks in checks.ts, among them no
 *      ballot id or selection α shown before at any station this
 *      validator holds                                               422
 *
 * then the validator cosigns and commits entries, state and cosigned checkpoint in
 * one database transaction before it replies. Steps 4 to 8 run inside that
 * transaction (`ValidatorWriteStore.withLog`), which holds the station's lock in
 * the database, so no other request for the same station — from this process or
 * another one on the same database — can interleave; every fact they decide on is
 * read inside it (store-api.ts), none from process memory. A fork's evidence and
 * the station's freezing commit in the same transaction that found the fork.
 */
import { nodeMerkleHasher } from '../storage/merkle-hasher';
import { z } from 'zod';
import type { RandomSource } from '../core/ballot';
import { bytesEqual, toBase64 } from '../core/encoding/bytes';
import type { LogKind } from '../core/ids';
import { openCheckpoint, parseCheckpoint, parseStationOrigin, type Checkpoint } from '../core/ledger/checkpoint';
import { cosign, type Cosigner } from '../core/ledger/cosignature';
import type { EventLogger } from '../core/logging';
import { parseAddCheckpointRequest } from '../core/ledger/witness-protocol';
import { describeNoteError, formatNote, formatSignatureLine, parseNote, type NoteSignature } from '../core/ledger/note';
import { CompactMerkleTree, EMPTY_ROOT, verifyConsistency, type StoredNode } from '../core/ledger/merkle';
import { err, ok, type Result } from '../core/result';
import {
  checkEntries,
  initialLogState,
  parseEntryTexts,
  withVerdictCoordinates,
  type CheckedBatch,
  type EntryRefusal,
  type ParsedEntryText,
} from './checks';
import type { EnrolledStation, ValidatorElection } from './election';
import {
  runWithLookups,
  type BatchRows,
  type CommittedLogHead,
  type LogTransaction,
  type StagedRows,
  type ValidatorStore,
} from './store-api';
import { DEFAULT_TIME_WINDOW, type TimeWindow } from './time-window';
import { pooledStyleOf, preverifyBallotEntries } from './preverify';
import { MIN_POOLED_BALLOTS, type Preverified, type StartedCheck, type VerifyPool } from './verify-pool';

/** A refusal: the HTTP status, a stable code and a sentence for the person reading it. */
export type Refusal = {
  readonly status: 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503;
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** For 409 answers: the size this validator has recorded for the log. */
  readonly currentSize?: number;
};

export type ValidatorLimits = {
  /** Entries accepted in one request. */
  readonly maxEntriesPerRequest: number;
  /** Bytes of one entry. */
  readonly maxEntryBytes: number;
};

export const DEFAULT_LIMITS: ValidatorLimits = { maxEntriesPerRequest: 4096, maxEntryBytes: 256 * 1024 };

const MAX_NOTE_CHARS = 64 * 1024;

export type EntriesAccepted = {
  readonly origin: string;
  readonly size: number;
  /** This validator's cosignature line over the checkpoint. */
  readonly cosignature: string;
  /** The station's checkpoint with that line appended. */
  readonly checkpoint: string;
};

/** The checks of a request, and the rows written ahead when they passed (`checkPooled`). */
type PooledCheck = { readonly checked: Result<CheckedBatch, EntryRefusal>; readonly staged?: StagedRows };

/**
 * What the proof pool's path settled before the transaction, from the request itself:
 * the workers are checking the request's ballots while the transaction runs.
 */
type Preverification = {
  /** Log indices of the ballot entries whose proofs are being checked. */
  readonly jobs: readonly number[];
  /** Checks here the slices no worker has begun, then gives every verdict once the workers have answered. */
  readonly verdicts: () => Promise<ReadonlyMap<number, Preverified>>;
  readonly auth: Authenticated;
  /** The checkpoint note authenticated. */
  readonly checkpoint: string;
  readonly entries: readonly ParsedEntryText[];
};

/** A line logged once the transaction that found it has committed. */
type DeferredEvent = (logger: EventLogger) => void;

type Authenticated = {
  readonly origin: string;
  readonly log: LogKind;
  readonly station: EnrolledStation;
  readonly checkpoint: Checkpoint;
  /** The checkpoint body, as signed. */
  readonly checkpointText: string;
  /** The checkpoint note with the station's signature only. */
  readonly stationNote: string;
};

export const entriesRequestSchema = z.strictObject({
  origin: z.string().min(1).max(300),
  from: z.int().min(0),
  entries: z.array(z.string()),
  checkpoint: z.string().min(1).max(MAX_NOTE_CHARS),
});

export type ValidatorServiceOptions = {
  readonly election: ValidatorElection;
  readonly store: ValidatorStore;
  readonly cosigner: Cosigner;
  readonly logger: EventLogger;
  readonly limits?: ValidatorLimits;
  /** Seconds since the epoch, for cosignature timestamps (default: the start of the time window). */
  readonly now?: () => number;
  /** How coarse every time this validator records or serves is (time-window.ts). */
  readonly timeWindow?: TimeWindow;
  /** Randomness for batched proof verification (defaults to the CSPRNG). */
  readonly random?: RandomSource;
  /** Worker threads that check ballot proofs before the transaction (without it, this thread checks them in it). */
  readonly verifyPool?: VerifyPool;
};

/** The origin a request body names, cut short, for the event log of a refusal. */
function requestOrigin(input: unknown): string | undefined {
  return typeof input === 'object' && input !== null && 'origin' in input
    ? String(input.origin).slice(0, 300)
    : undefined;
}

function refusal(
  status: Refusal['status'],
  code: string,
  message: string,
  extra: Partial<Pick<Refusal, 'details' | 'currentSize'>> = {},
): Result<never, Refusal> {
  return err({ status, code, message, ...extra });
}

export class ValidatorService {
  readonly election: ValidatorElection;
  readonly store: ValidatorStore;
  private readonly cosigner: Cosigner;
  private readonly logger: EventLogger;
  private readonly limits: ValidatorLimits;
  private readonly now: () => number;
  private readonly random: RandomSource | undefined;
  readonly verifyPool: VerifyPool | undefined;
  readonly timeWindow: TimeWindow;

  constructor(options: ValidatorServiceOptions) {
    this.election = options.election;
    this.store = options.store;
    this.cosigner = options.cosigner;
    this.logger = options.logger;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.timeWindow = options.timeWindow ?? DEFAULT_TIME_WINDOW;
    const window = this.timeWindow;
    this.now = options.now ?? (() => window.nowSeconds());
    this.random = options.random;
    this.verifyPool = options.verifyPool;
  }

  get name(): string {
    return this.cosigner.name;
  }

  private refused<T>(result: Result<T, Refusal>, context: Record<string, unknown>): Result<T, Refusal> {
    if (!result.ok)
      this.logger.log('validator.request-refused', {
        code: result.error.code,
        status: result.error.status,
        message: result.error.message,
        ...context,
        outcome: 'failure',
      });
    return result;
  }

  /** C2SP tlog-witness add-checkpoint. Returns the cosignature line(s) on success. */
  async addCheckpoint(body: string): Promise<Result<string, Refusal>> {
    return this.refused(await this.addCheckpointUnlogged(body), { call: 'add-checkpoint' });
  }

  private async addCheckpointUnlogged(body: string): Promise<Result<string, Refusal>> {
    const request = parseAddCheckpointRequest(body);
    if (!request.ok) return refusal(400, 'malformed-request', `add-checkpoint body: ${request.error}`);
    const auth = this.authenticate(request.value.note);
    if (!auth.ok) return auth;
    const { origin, checkpoint } = auth.value;
    const { oldSize, proof } = request.value;
    return this.inTransaction(auth.value, async (tx, events): Promise<Result<string, Refusal>> => {
      const frozen = frozenRefusal(auth.value, tx.frozenBy);
      if (!frozen.ok) return frozen;
      if (oldSize > checkpoint.size)
        return refusal(400, 'old-size-too-large', `old size ${oldSize} exceeds the checkpoint size ${checkpoint.size}`);
      const head = tx.head ?? emptyHead(auth.value, this.election);
      const history = await this.checkHistory(auth.value, head, tx, events);
      if (!history.ok) return history;
      if (oldSize !== head.size) {
        return refusal(
          409,
          'old-size-mismatch',
          `this validator has cosigned ${origin} up to size ${head.size}, not ${oldSize}`,
          { currentSize: head.size },
        );
      }
      if (checkpoint.size === head.size) {
        // Same size, same root (checked above): hand back the cosignature already made.
        if (head.cosigned === undefined)
          return refusal(422, 'nothing-to-cosign', 'an empty log has no checkpoint to cosign');
        return ok(lastSignatureLine(head.cosigned));
      }
      if (!verifyConsistency(head.size, checkpoint.size, head.root, checkpoint.rootHash, proof, nodeMerkleHasher)) {
        return refusal(
          422,
          'bad-consistency-proof',
          `the consistency proof from size ${head.size} to ${checkpoint.size} does not verify`,
        );
      }
      return refusal(
        422,
        'entries-required',
        `this validator cosigns only checkpoints whose entries it holds and has checked: send entries ${head.size}..${checkpoint.size - 1} with POST /urna/v1/entries`,
        { currentSize: head.size },
      );
    });
  }

  /**
   * POST /urna/v1/entries: new entries and the station checkpoint over them. With a
   * worker pool, the ballot proofs of a well-formed request signed by an enrolled
   * station that extends what this validator holds are checked by the pool first
   * (no proof work for anyone else); the checks in the transaction then use its
   * verdicts, and the refusals are the same as without the pool.
   */
  async submitEntries(input: unknown): Promise<Result<EntriesAccepted, Refusal>> {
    const prepared = await this.preverify(input);
    return this.refused(await this.submitEntriesUnlogged(input, prepared), {
      call: 'entries',
      origin: requestOrigin(input),
    });
  }

  private async preverify(input: unknown): Promise<Preverification | undefined> {
    const pool = this.verifyPool;
    if (pool === undefined || !pool.healthy) return undefined;
    const parsed = entriesRequestSchema.safeParse(input);
    if (!parsed.success || parsed.data.entries.length > this.limits.maxEntriesPerRequest) return undefined;
    if (parsed.data.entries.filter((text) => text.includes('"ballot"')).length < MIN_POOLED_BALLOTS) return undefined;
    const auth = this.authenticate(parsed.data.checkpoint);
    if (!auth.ok || auth.value.log !== 'ballots') return undefined;
    // A hint only: the transaction reads the head again and decides on what it reads.
    if (parsed.data.from !== ((await this.store.read.head(auth.value.origin))?.size ?? 0)) return undefined;
    const { stationId } = auth.value.station;
    const { context, manifests } = this.election;
    let started: StartedCheck;
    try {
      started = pool.start(stationId, parsed.data.from, parsed.data.entries);
    } catch (error) {
      this.logger.log('validator.verify-pool-failed', {
        message: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
    // While the workers check their share: what the checks need and no proof does.
    const entries = parseEntryTexts(parsed.data.entries);
    return {
      jobs: started.jobs,
      verdicts: () =>
        started.finish((jobs) => preverifyBallotEntries(context, manifests, stationId, jobs, this.random)),
      auth: auth.value,
      checkpoint: parsed.data.checkpoint,
      entries,
    };
  }

  /**
   * The checks of a request whose proofs the pool is checking. They run first as if
   * every ballot entry sent to the pool that the pool can read (a ballot-pending or
   * ballot-challenged of a known style) were verified, while the workers work. Once
   * every verdict is in: if each such entry is verified and no other has a verdict,
   * that result is the one the verdicts give (the same checks on the same records;
   * only the points of cast ballots, for the running totals, are then taken from the
   * verdicts' coordinates rather than decoded). Otherwise the checks run again with
   * the verdicts, as without this overlap. A failed pool leaves the checks to this
   * thread alone. Checks that pass on the assumed verdicts have their rows written
   * ahead with `stage` before this thread takes its share of the proofs; they stay
   * only if the verdicts confirm them.
   */
  private async checkPooled(
    prepared: Preverification,
    from: number,
    run: (preverified: ReadonlyMap<number, Preverified> | undefined) => Promise<Result<CheckedBatch, EntryRefusal>>,
    stage: (checked: CheckedBatch) => Promise<StagedRows>,
  ): Promise<PooledCheck> {
    const { entries } = prepared;
    const assumed = new Map<number, Preverified>();
    for (const index of prepared.jobs) {
      const parsed = entries[index - from];
      if (parsed?.ok === true && pooledStyleOf(parsed.value, this.election.manifests) !== undefined)
        assumed.set(index, { kind: 'verified' });
    }
    let speculative: Result<CheckedBatch, EntryRefusal> | undefined;
    try {
      speculative = await run(assumed);
    } catch {
      // A record the workers will refuse can break the assumed path anywhere; the verdicts decide.
      speculative = undefined;
    }
    // The rows go into the transaction while the workers check; the verdicts decide whether they stay.
    let staged: StagedRows | undefined;
    if (speculative?.ok === true) {
      try {
        staged = await stage(speculative.value);
      } catch {
        // Rows of a record the workers will refuse may not even be writable; the verdicts decide.
        staged = undefined;
      }
    }
    let verdicts: ReadonlyMap<number, Preverified>;
    try {
      verdicts = await prepared.verdicts();
    } catch (error) {
      this.logger.log('validator.verify-pool-failed', {
        message: error instanceof Error ? error.message : String(error),
      });
      await staged?.discard();
      return { checked: await run(undefined) };
    }
    const confirmed =
      verdicts.size === assumed.size && [...assumed.keys()].every((index) => verdicts.get(index)?.kind === 'verified');
    if (speculative === undefined || !confirmed) {
      await staged?.discard();
      return { checked: await run(verdicts) };
    }
    if (!speculative.ok) return { checked: speculative };
    return { checked: ok(withVerdictCoordinates(speculative.value, verdicts, entries, from)), staged };
  }

  private async submitEntriesUnlogged(
    input: unknown,
    prepared?: Preverification,
  ): Promise<Result<EntriesAccepted, Refusal>> {
    const parsed = entriesRequestSchema.safeParse(input);
    if (!parsed.success) return refusal(400, 'malformed-request', `request body: ${z.prettifyError(parsed.error)}`);
    const request = parsed.data;
    if (request.entries.length > this.limits.maxEntriesPerRequest) {
      return refusal(
        413,
        'too-many-entries',
        `at most ${this.limits.maxEntriesPerRequest} entries per request; send the rest in further requests`,
      );
    }
    // The pool's preparation was made from this very request: its signature check and parsed entries stand.
    const auth = prepared === undefined ? this.authenticate(request.checkpoint) : ok(prepared.auth);
    if (!auth.ok) return auth;
    if (
      prepared !== undefined &&
      (prepared.checkpoint !== request.checkpoint || prepared.entries.length !== request.entries.length)
    )
      throw new Error('invariant failed: a preverification of another request');
    const { origin, checkpoint, station, log, stationNote } = auth.value;
    return this.inTransaction(auth.value, async (tx, events): Promise<Result<EntriesAccepted, Refusal>> => {
      const frozen = frozenRefusal(auth.value, tx.frozenBy);
      if (!frozen.ok) return frozen;
      if (request.origin !== origin)
        return refusal(
          400,
          'origin-mismatch',
          `the request names ${request.origin} but the checkpoint is for ${origin}`,
        );
      const head = tx.head ?? emptyHead(auth.value, this.election);
      const history = await this.checkHistory(auth.value, head, tx, events);
      if (!history.ok) return history;
      if (
        checkpoint.size === head.size &&
        request.from === head.size &&
        request.entries.length === 0 &&
        head.cosigned !== undefined
      ) {
        return ok({
          origin,
          size: head.size,
          cosignature: lastSignatureLine(head.cosigned),
          checkpoint: head.cosigned,
        });
      }
      if (request.from !== head.size) {
        return refusal(
          409,
          'old-size-mismatch',
          `this validator holds ${head.size} entries of ${origin}; send entries from index ${head.size}`,
          { currentSize: head.size },
        );
      }
      if (checkpoint.size !== request.from + request.entries.length) {
        return refusal(
          400,
          'entry-count-mismatch',
          `entries from ${request.from} count ${request.entries.length}, which does not reach the checkpoint size ${checkpoint.size}`,
        );
      }
      const bodies: Buffer[] = [];
      for (const [i, text] of request.entries.entries()) {
        const body = Buffer.from(text, 'utf8');
        if (body.length > this.limits.maxEntryBytes)
          return refusal(
            413,
            'entry-too-large',
            `entry ${request.from + i} is larger than ${this.limits.maxEntryBytes} bytes`,
          );
        bodies.push(body);
      }
      const tree = head.tree.clone();
      const nodes: StoredNode[] = [];
      for (const body of bodies) nodes.push(...tree.append(nodeMerkleHasher.leaf(body)));
      if (!bytesEqual(tree.root(), checkpoint.rootHash)) {
        return refusal(
          422,
          'root-mismatch',
          `the entries sent do not hash to the root of the signed checkpoint for size ${checkpoint.size}`,
        );
      }
      const entries = prepared?.entries ?? parseEntryTexts(request.entries);
      const run = (preverified: ReadonlyMap<number, Preverified> | undefined) =>
        runWithLookups(tx, entries, (stored) =>
          checkEntries(
            {
              election: this.election,
              station,
              log,
              ballotStatus: (ballotId) => stored.ballotStatus(ballotId),
              pendingBallot: (ballotId) => stored.pendingBallot(ballotId),
              checkInsOf: (voterHash) => stored.checkInsOf(voterHash),
              placeOfBallotId: (ballotId) => stored.placeOfBallotId(ballotId),
              placeOfAlpha: (alpha) => stored.placeOfAlpha(alpha),
              ...(this.random === undefined ? {} : { random: this.random }),
              ...(preverified === undefined ? {} : { preverified }),
            },
            head.state,
            request.from,
            entries,
          ),
        );
      const rowsOf = (value: CheckedBatch): BatchRows => ({
        origin,
        stationId: station.stationId,
        log,
        from: request.from,
        bodies,
        nodes,
        checked: value,
      });
      const { checked, staged }: PooledCheck =
        prepared === undefined
          ? { checked: await run(undefined) }
          : await this.checkPooled(prepared, request.from, run, (value) => tx.stageRows(rowsOf(value)));
      if (!checked.ok) {
        return refusal(422, checked.error.code, checked.error.message, { details: { index: checked.error.index } });
      }
      const line = formatSignatureLine(cosign(auth.value.checkpointText, this.cosigner, this.now()));
      const cosigned = `${stationNote}${line}`;
      await tx.commitBatch({ ...rowsOf(checked.value), tree, checkpoint: stationNote, cosigned }, staged);
      events.push((logger) =>
        logger.log('validator.cosigned', {
          origin,
          from: request.from,
          size: tree.size,
          entries: bodies.length,
          outcome: 'success',
        }),
      );
      for (const d of checked.value.duplicates) {
        events.push((logger) =>
          logger.log('validator.pollbook-duplicate', { origin, index: d.index, earlier: d.earlier }),
        );
      }
      return ok({ origin, size: tree.size, cosignature: line, checkpoint: cosigned });
    });
  }

  /** Runs `work` in the station's transaction; its events are logged once it has committed. */
  private async inTransaction<T>(
    auth: Authenticated,
    work: (tx: LogTransaction, events: DeferredEvent[]) => Promise<Result<T, Refusal>>,
  ): Promise<Result<T, Refusal>> {
    let events: DeferredEvent[] = [];
    const result = await this.store.write.withLog(auth.origin, auth.station.stationId, (tx) => {
      events = [];
      return work(tx, events);
    });
    for (const log of events) log(this.logger);
    return result;
  }

  /** Steps 2–3: known log, station signature (step 4, the station not frozen, is read in the transaction). */
  private authenticate(noteText: string): Result<Authenticated, Refusal> {
    if (noteText.length > MAX_NOTE_CHARS)
      return refusal(413, 'checkpoint-too-large', `a checkpoint note is at most ${MAX_NOTE_CHARS} characters`);
    const note = parseNote(noteText);
    if (!note.ok) return refusal(400, 'malformed-checkpoint', `checkpoint note: ${describeNoteError(note.error)}`);
    const checkpoint = parseCheckpoint(note.value.text);
    if (!checkpoint.ok)
      return refusal(
        400,
        'malformed-checkpoint',
        checkpoint.error.kind === 'malformed-checkpoint' ? checkpoint.error.reason : 'not a checkpoint',
      );
    const origin = checkpoint.value.origin;
    const parsedOrigin = parseStationOrigin(origin);
    if (parsedOrigin === undefined || parsedOrigin.electionId !== this.election.electionId) {
      return refusal(
        404,
        'unknown-log',
        `${JSON.stringify(origin.slice(0, 200))} is not a station log of election ${this.election.electionId}`,
      );
    }
    const station = this.election.stations.get(parsedOrigin.stationId);
    if (station === undefined && this.election.unlisted?.has(parsedOrigin.stationId) === true) {
      return refusal(
        403,
        'station-not-listed',
        `station ${parsedOrigin.stationId} is enrolled but not in the authority's station manifest (version ${this.election.stationManifestVersion ?? '?'})`,
      );
    }
    if (station === undefined)
      return refusal(
        404,
        'station-not-enrolled',
        `station ${parsedOrigin.stationId} is not enrolled with this validator`,
      );
    const opened = openCheckpoint(noteText, [station.verifier], origin);
    if (!opened.ok) {
      const unsigned = opened.error.kind === 'note' && opened.error.reason.includes('no signature');
      return refusal(
        403,
        unsigned ? 'not-signed-by-station' : 'bad-station-signature',
        `checkpoint for ${origin}: ${opened.error.kind === 'note' ? opened.error.reason : opened.error.kind}`,
      );
    }
    const own = note.value.signatures.filter(
      (s: NoteSignature) => s.name === station.verifier.name && s.keyId === station.verifier.keyId,
    );
    const stationNote = formatNote({ text: note.value.text, signatures: own.slice(0, 1) });
    return ok({
      origin,
      log: parsedOrigin.log,
      station,
      checkpoint: checkpoint.value,
      checkpointText: note.value.text,
      stationNote,
    });
  }

  /** Step 5: a checkpoint for a size already recorded must have the recorded root; a fork is recorded in the same transaction. */
  private async checkHistory(
    auth: Authenticated,
    head: CommittedLogHead,
    tx: LogTransaction,
    events: DeferredEvent[],
  ): Promise<Result<void, Refusal>> {
    const { checkpoint, origin } = auth;
    if (checkpoint.size > head.size) return ok();
    const recordedRoot = checkpoint.size === head.size ? head.root : await tx.rootAt(checkpoint.size);
    if (bytesEqual(recordedRoot, checkpoint.rootHash)) return ok();
    const proof = checkpoint.size < head.size ? await tx.consistencyProof(checkpoint.size, head.size) : [];
    const evidenceId = await tx.recordFork({
      origin,
      size: checkpoint.size,
      conflicting: auth.stationNote,
      recorded: head.checkpoint,
      recordedRootAtSize: toBase64(recordedRoot),
      consistencyProof: proof.map((h) => toBase64(h)),
      explanation:
        checkpoint.size === head.size
          ? 'two checkpoints signed by the station for the same size with different roots'
          : `the recorded checkpoint extends a tree whose first ${checkpoint.size} entries have the root recordedRootAtSize (consistency proof given), but the station also signed a different root for that size`,
    });
    events.push((logger) =>
      logger.log('validator.fork-detected', { origin, size: checkpoint.size, recordedSize: head.size, evidenceId }),
    );
    return refusal(
      409,
      'fork',
      `the station signed a checkpoint for ${origin} at size ${checkpoint.size} that conflicts with the one this validator recorded; evidence ${evidenceId} is published and the station gets no further cosignatures`,
      {
        currentSize: head.size,
        details: { evidenceId },
      },
    );
  }
}

/** Step 4: a station that equivocated gets nothing more. */
function frozenRefusal(auth: Authenticated, frozenBy: number | undefined): Result<void, Refusal> {
  if (frozenBy === undefined) return ok();
  return refusal(
    403,
    'station-equivocated',
    `station ${auth.station.stationId} signed conflicting checkpoints (evidence ${frozenBy}); this validator cosigns nothing more for it`,
    {
      details: { evidenceId: frozenBy },
    },
  );
}

function emptyHead(auth: Authenticated, election: ValidatorElection): CommittedLogHead {
  return {
    origin: auth.origin,
    stationId: auth.station.stationId,
    log: auth.log,
    size: 0,
    root: EMPTY_ROOT,
    checkpoint: undefined,
    cosigned: undefined,
    state: initialLogState(election, auth.station.stationId),
    tree: new CompactMerkleTree(nodeMerkleHasher),
  };
}

function lastSignatureLine(note: string): string {
  const lines = note.slice(0, -1).split('\n');
  return `${lines[lines.length - 1] ?? ''}\n`;
}
