/**
 * Ballot proofs are most of a validator's work per entry (decoding every point, the
 * batched multi-scalar multiplication), and they depend only on the entry texts and
 * the election, never on the log's state. A pool of worker threads, with the service
 * thread taking a share of its own, therefore checks the ballots of a request in
 * parallel before the service runs its ordinary, synchronous checks; the service then
 * uses these verdicts instead of verifying again, so the refusals are the same as
 * without the pool.
 */
import { availableParallelism } from 'node:os';
import type { BallotFailure, BallotManifest, RecordProblem } from '../core/ballot';
import { toBase64Url } from '../core/encoding/bytes';
import type { ValidatorElection } from './election';
import { bundled, bundleFile } from './entry-points';
import type { PreverifyJob } from './preverify';
import { WorkerPool } from './worker-pool';

/** What a worker found for one ballot entry (absent: the entry was not a ballot it could read). */
export type Preverified =
  /** The record decodes and its proofs hold; the affine coordinates of every α and β, in record order. */
  | { readonly kind: 'verified'; readonly coordinates: readonly bigint[] }
  | { readonly kind: 'record-problem'; readonly problem: RecordProblem }
  | { readonly kind: 'proof-failure'; readonly failure: BallotFailure };

export type VerifyWorkerData = {
  readonly extendedBaseHash: string;
  readonly jointKey: string;
  readonly manifests: readonly (readonly [string, BallotManifest])[];
};

export type VerifyRequest = {
  readonly id: number;
  readonly stationId: string;
  readonly jobs: readonly PreverifyJob[];
};
export type VerifyAnswer = { readonly id: number; readonly results: readonly (readonly [number, Preverified])[] };

/** Smallest slice worth a message (the batch equation amortizes over many ballots). */
const MIN_SLICE = 32;

/**
 * One worker per core but one: the service thread checks an equal share of each
 * request's proofs itself while the workers check theirs (it would only wait for them
 * otherwise), so on two cores one worker and the service thread split the proofs.
 * On one core a worker would only share it with the service thread.
 */
export function defaultVerifyThreads(): number {
  const cores = availableParallelism();
  return cores <= 1 ? 0 : Math.min(8, cores - 1);
}

/** Fewer ballots than this in a request are checked on the calling thread: a message round trip would cost more. */
export const MIN_POOLED_BALLOTS = 32;

export class VerifyPool {
  readonly #pool: WorkerPool<VerifyRequest, VerifyAnswer>;
  #nextId = 0;
  #checked = 0;

  /** Workers start on first use, so a validator that only ever sees small pushes never starts any. */
  constructor(election: ValidatorElection, threads: number = defaultVerifyThreads()) {
    const workerData: VerifyWorkerData = {
      extendedBaseHash: toBase64Url(election.extendedBaseHash),
      jointKey: election.context.jointKey.toBase64Url(),
      manifests: [...election.manifests.entries()],
    };
    this.#pool = new WorkerPool({
      script: bundled
        ? bundleFile('urna-validator-worker.mjs')
        : new URL('../bin/urna-validator-worker.mjs', import.meta.url),
      workerData,
      threads,
      announcesReady: true,
    });
  }

  /** Starts the workers if needed; resolves once each has loaded the election. */
  ready(): Promise<void> {
    return this.#pool.ready();
  }

  get threads(): number {
    return this.#pool.threads;
  }

  /** Ballot entries the workers have answered for so far. */
  get checked(): number {
    return this.#checked;
  }

  /** Whether the pool can still be used (a worker that crashed disables it). */
  get healthy(): boolean {
    return this.#pool.healthy;
  }

  /**
   * Verdicts for the ballot entries among `texts` (log indices from, from+1, …) of
   * station `stationId`'s ballot log. While the workers check theirs, the calling
   * thread runs `meanwhile` and checks a share itself with `local` (it would only wait
   * otherwise): three quarters of an equal share, as `meanwhile` takes its time too.
   */
  async verify(
    stationId: string,
    from: number,
    texts: readonly string[],
    caller: {
      readonly meanwhile?: () => void;
      readonly local?: (jobs: readonly PreverifyJob[]) => readonly (readonly [number, Preverified])[];
    } = {},
  ): Promise<Map<number, Preverified>> {
    const { meanwhile, local } = caller;
    const jobs = texts.map((text, i) => ({ index: from + i, text })).filter((j) => j.text.includes('"ballot"'));
    const verdicts = new Map<number, Preverified>();
    if (jobs.length === 0) {
      meanwhile?.();
      return verdicts;
    }
    const localCount = local === undefined ? 0 : Math.floor((0.75 * jobs.length) / (this.threads + 1));
    const pooled = jobs.slice(0, jobs.length - localCount);
    const slice = Math.max(MIN_SLICE, Math.ceil(pooled.length / this.threads));
    const answers: Promise<VerifyAnswer>[] = [];
    for (let start = 0; start < pooled.length; start += slice)
      answers.push(this.#pool.submit({ id: this.#nextId++, stationId, jobs: pooled.slice(start, start + slice) }));
    meanwhile?.();
    if (local !== undefined && localCount > 0)
      for (const [index, verdict] of local(jobs.slice(pooled.length))) verdicts.set(index, verdict);
    for (const answer of await Promise.all(answers))
      for (const [index, verdict] of answer.results) verdicts.set(index, verdict);
    this.#checked += verdicts.size;
    return verdicts;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
