/**
 * Ballot proofs are most of a validator's work per entry (decoding every point, the
 * batched multi-scalar multiplication), and they depend only on the entry texts and
 * the election, never on the log's state. A pool of worker threads therefore checks
 * the ballots of a request in slices while the service runs its ordinary checks
 * (validator/service.ts), and the service thread then takes the slices no worker has
 * begun; the service uses these verdicts instead of verifying again, so the refusals
 * are the same as without the pool.
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
  /**
   * The record decodes and its proofs hold; the affine coordinates of every α and β,
   * in record order, as bytes (core/ballot/records.ts `ciphertextCoordinates`; absent
   * where the verdict is only assumed, validator/service.ts: the points are then
   * decoded where used).
   */
  | { readonly kind: 'verified'; readonly coordinates?: Uint8Array }
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
  /**
   * Who checks this slice: a worker and the calling thread each try to set
   * `flags[slot]` from 0 (a worker to WORKER_CLAIM, the caller to CALLER_CLAIM) and
   * only the one that does checks it; a worker that loses answers with no results.
   */
  readonly claim: { readonly flags: Int32Array; readonly slot: number };
};

export const WORKER_CLAIM = 1;
const CALLER_CLAIM = 2;
/** A check `VerifyPool.start` began. */
export type StartedCheck = {
  /** Log indices of the entries handed to the pool. */
  readonly jobs: readonly number[];
  /** Checks with `local` the slices no worker has begun, then waits for the workers: every verdict by log index. */
  finish(
    local?: (jobs: readonly PreverifyJob[]) => readonly (readonly [number, Preverified])[],
  ): Promise<Map<number, Preverified>>;
};

export type VerifyAnswer = { readonly id: number; readonly results: readonly (readonly [number, Preverified])[] };

/**
 * Smallest slice worth a message, in characters of entry text (the batch equation
 * amortizes over many points; about 30 one-question ballots, or 2 of 50 selections).
 */
const MIN_SLICE_CHARS = 48 * 1024;

/**
 * One worker per core but one: the service thread has its own work on each request
 * and then checks the slices the workers have not begun (it would only wait for them
 * otherwise), so on two cores one worker and the service thread split the proofs.
 * On one core a worker would only share it with the service thread.
 */
export function defaultVerifyThreads(): number {
  const cores = availableParallelism();
  return cores <= 1 ? 0 : Math.min(8, cores - 1);
}

/**
 * Each slice of a request is 1/(SLICES_PER_THREAD · workers) of the entry text not yet
 * sliced: large slices first, small ones at the end. The calling thread, once its
 * other work is done, takes back the slices no worker has started, from the end, so
 * the split follows what each thread actually has to do and the last slice anyone
 * waits for is a small one.
 */
const SLICES_PER_THREAD = 8;

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
      // Every slice is handed over at once, so a worker never waits for this thread to
      // feed it; the slices it has not begun stay this thread's to take (`claim`).
      perWorker: Number.MAX_SAFE_INTEGER,
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
   * station `stationId`'s ballot log, all checked by the workers.
   */
  verify(stationId: string, from: number, texts: readonly string[]): Promise<Map<number, Preverified>> {
    return this.start(stationId, from, texts).finish();
  }

  /**
   * Hands the ballot entries among `texts` (log indices from, from+1, …) to the
   * workers in slices (SLICES_PER_THREAD per worker) and returns at once: the caller
   * does its other work, then `finish` checks with `local` the slices no worker has
   * begun and waits for the rest. `jobs` are the log indices of every entry handed
   * over. A worker's failure rejects `finish` only.
   */
  start(stationId: string, from: number, texts: readonly string[]): StartedCheck {
    const jobs = texts.map((text, i) => ({ index: from + i, text })).filter((j) => j.text.includes('"ballot"'));
    // Each slice a fixed share of what is left: large first (few messages), small towards
    // the end, where the workers and this thread meet and the last to finish is waited for.
    let remaining = jobs.reduce((sum, j) => sum + j.text.length, 0);
    const slices: PreverifyJob[][] = [];
    let current: PreverifyJob[] = [];
    let size = 0;
    let target = Math.max(MIN_SLICE_CHARS, remaining / (this.threads * SLICES_PER_THREAD));
    for (const job of jobs) {
      current.push(job);
      size += job.text.length;
      if (size >= target) {
        slices.push(current);
        remaining -= size;
        current = [];
        size = 0;
        target = Math.max(MIN_SLICE_CHARS, remaining / (this.threads * SLICES_PER_THREAD));
      }
    }
    if (current.length > 0) slices.push(current);
    const count = slices.length;
    const flags = new Int32Array(new SharedArrayBuffer(Math.max(1, count) * Int32Array.BYTES_PER_ELEMENT));
    const requests: VerifyRequest[] = slices.map((slice, k) => ({
      id: this.#nextId++,
      stationId,
      jobs: slice,
      claim: { flags, slot: k },
    }));
    const remote = Promise.all(requests.map((request) => this.#pool.submit(request)));
    // Settled here too, so that a caller who never finishes (a request refused early) leaves no unhandled rejection.
    remote.catch(() => undefined);
    return {
      jobs: jobs.map((j) => j.index),
      finish: async (local) => {
        const verdicts = new Map<number, Preverified>();
        // The calling thread checks the slices no worker has begun, last first: the
        // workers take them first to last, so the two meet where the work runs out.
        if (local !== undefined) {
          for (let k = count - 1; k >= 0; k--) {
            if (Atomics.compareExchange(flags, k, 0, CALLER_CLAIM) !== 0) continue;
            for (const [index, verdict] of local((requests[k] as VerifyRequest).jobs)) verdicts.set(index, verdict);
          }
        }
        for (const answer of await remote) for (const [index, verdict] of answer.results) verdicts.set(index, verdict);
        this.#checked += verdicts.size;
        return verdicts;
      },
    };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
