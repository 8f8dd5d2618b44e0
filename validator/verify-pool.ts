/**
 * Ballot proofs are most of a validator's work per entry (decoding every point, the
 * batched multi-scalar multiplication), and they depend only on the entry texts and
 * the election, never on the log's state. A pool of worker threads therefore checks
 * the ballots of a request in parallel before the service runs its ordinary,
 * synchronous checks; the service then uses these verdicts instead of verifying
 * again, so the refusals are the same as without the pool.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BallotFailure, BallotManifest, RecordProblem } from '../core/ballot';
import { toBase64Url } from '../core/encoding/bytes';
import type { ValidatorElection } from './election';

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

export type VerifyRequest = { readonly id: number; readonly jobs: readonly { readonly index: number; readonly text: string }[] };
export type VerifyAnswer = { readonly id: number; readonly results: readonly (readonly [number, Preverified])[] };

type Pending = { resolve(answer: VerifyAnswer): void; reject(error: Error): void };

/** Smallest slice worth a message (the batch equation amortizes over many ballots). */
const MIN_SLICE = 32;

export function defaultVerifyThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Fewer ballots than this in a request are checked on the calling thread: a message round trip would cost more. */
export const MIN_POOLED_BALLOTS = 32;

export class VerifyPool {
  readonly #threads: number;
  readonly #workerData: VerifyWorkerData;
  #workers: Worker[] | undefined;
  readonly #idle: Worker[] = [];
  readonly #queue: { request: VerifyRequest; pending: Pending }[] = [];
  readonly #inFlight = new Map<Worker, Pending>();
  #ready: Promise<void> | undefined;
  #nextId = 0;
  #failed: Error | undefined;
  #checked = 0;

  /** Workers start on first use, so a validator that only ever sees small pushes never starts any. */
  constructor(election: ValidatorElection, threads: number = defaultVerifyThreads()) {
    this.#threads = Math.max(1, threads);
    this.#workerData = {
      extendedBaseHash: toBase64Url(election.extendedBaseHash),
      jointKey: election.context.jointKey.toBase64Url(),
      manifests: [...election.manifests.entries()],
    };
  }

  #start(): Worker[] {
    if (this.#workers !== undefined) return this.#workers;
    const started: Promise<void>[] = [];
    const workers = Array.from({ length: this.#threads }, () => {
      const worker = new Worker(new URL('../bin/urna-validator-worker.mjs', import.meta.url), { workerData: this.#workerData });
      started.push(
        new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('error', () => resolve());
        }),
      );
      // Referenced while loading (so a caller awaiting ready() keeps the process alive),
      // then only while it has work: an idle pool never holds a process open.
      worker.once('message', () => {
        if (!this.#inFlight.has(worker)) worker.unref();
        worker.on('message', (answer: VerifyAnswer) => this.#done(worker, answer));
      });
      worker.on('error', (error) => this.#fail(worker, error));
      return worker;
    });
    this.#workers = workers;
    this.#ready = Promise.all(started).then(() => undefined);
    this.#idle.push(...workers);
    return workers;
  }

  /** Starts the workers if needed; resolves once each has loaded the election. */
  ready(): Promise<void> {
    this.#start();
    return this.#ready as Promise<void>;
  }

  get threads(): number {
    return this.#threads;
  }

  /** Ballot entries the workers have answered for so far. */
  get checked(): number {
    return this.#checked;
  }

  /** Whether the pool can still be used (a worker that crashed disables it). */
  get healthy(): boolean {
    return this.#failed === undefined;
  }

  /** Verdicts for the ballot entries among `texts` (log indices from, from+1, …). */
  async verify(from: number, texts: readonly string[]): Promise<Map<number, Preverified>> {
    const jobs = texts.map((text, i) => ({ index: from + i, text })).filter((j) => j.text.includes('"ballot"'));
    const verdicts = new Map<number, Preverified>();
    if (jobs.length === 0) return verdicts;
    const workers = this.#start();
    const slice = Math.max(MIN_SLICE, Math.ceil(jobs.length / workers.length));
    const answers: Promise<VerifyAnswer>[] = [];
    for (let start = 0; start < jobs.length; start += slice) answers.push(this.#submit({ id: this.#nextId++, jobs: jobs.slice(start, start + slice) }));
    for (const answer of await Promise.all(answers)) for (const [index, verdict] of answer.results) verdicts.set(index, verdict);
    this.#checked += verdicts.size;
    return verdicts;
  }

  #submit(request: VerifyRequest): Promise<VerifyAnswer> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, pending: { resolve, reject } });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const next = this.#queue.shift() as { request: VerifyRequest; pending: Pending };
      this.#inFlight.set(worker, next.pending);
      worker.ref();
      worker.postMessage(next.request);
    }
  }

  #done(worker: Worker, answer: VerifyAnswer): void {
    const pending = this.#inFlight.get(worker);
    this.#inFlight.delete(worker);
    worker.unref();
    this.#idle.push(worker);
    pending?.resolve(answer);
    this.#pump();
  }

  #fail(worker: Worker, error: Error): void {
    this.#failed = error;
    this.#inFlight.get(worker)?.reject(error);
    this.#inFlight.delete(worker);
    for (const { pending } of this.#queue.splice(0)) pending.reject(error);
  }

  async close(): Promise<void> {
    const workers = this.#workers ?? [];
    this.#failed ??= new Error('the verification pool is closed');
    for (const { pending } of this.#queue.splice(0)) pending.reject(this.#failed);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
