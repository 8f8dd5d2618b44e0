/**
 * Ballot proofs are the verifier's main cost (multi-scalar multiplications), and they
 * are independent of each other: a pool of worker threads checks batches of a
 * station's ballots in parallel while the main thread replays the next station.
 */
import { Worker } from 'node:worker_threads';
import type { BallotFailure } from '../../core/ballot';
import type { ProofVerifier } from '../../core/record/verify';

export type ProofBatch = {
  readonly id: number;
  readonly stationId: string;
  readonly jobs: readonly { readonly index: number; readonly ballotStyleId: string; readonly entryText: string }[];
};

export type ProofBatchAnswer = { readonly id: number; readonly failure: { readonly index: number; readonly failure: BallotFailure } | undefined };

type Pending = { resolve(answer: ProofBatchAnswer): void; reject(error: Error): void };

/** Ballots per message: large enough to amortize the batch equation, small enough to balance the threads. */
const MAX_BATCH = 256;

export class ProofWorkerPool {
  readonly #workers: Worker[];
  readonly #idle: Worker[] = [];
  readonly #queue: { batch: ProofBatch; pending: Pending }[] = [];
  readonly #inFlight = new Map<Worker, Pending>();
  #nextId = 0;
  #failed: Error | undefined;

  constructor(packageJson: unknown, threads: number) {
    this.#workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL('../../bin/urna-proof-worker.mjs', import.meta.url), { workerData: { packageJson } });
      worker.on('message', (answer: ProofBatchAnswer) => this.#done(worker, answer));
      worker.on('error', (error) => this.#fail(worker, error));
      return worker;
    });
    this.#idle.push(...this.#workers);
  }

  get threads(): number {
    return this.#workers.length;
  }

  readonly verifier: ProofVerifier = async (_election, stationId, jobs) => {
    if (jobs.length === 0) return undefined;
    const size = Math.max(16, Math.min(MAX_BATCH, Math.ceil(jobs.length / (this.#workers.length * 2))));
    const answers: Promise<ProofBatchAnswer>[] = [];
    for (let start = 0; start < jobs.length; start += size) {
      const slice = jobs.slice(start, start + size).map((j) => ({ index: j.index, ballotStyleId: j.ballotStyleId, entryText: j.entryText }));
      answers.push(this.#submit({ id: this.#nextId++, stationId, jobs: slice }));
    }
    let first: ProofBatchAnswer['failure'];
    for (const answer of await Promise.all(answers)) {
      if (answer.failure !== undefined && (first === undefined || answer.failure.index < first.index)) first = answer.failure;
    }
    return first;
  };

  #submit(batch: ProofBatch): Promise<ProofBatchAnswer> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, pending: { resolve, reject } });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const next = this.#queue.shift() as { batch: ProofBatch; pending: Pending };
      this.#inFlight.set(worker, next.pending);
      worker.postMessage(next.batch);
    }
  }

  #done(worker: Worker, answer: ProofBatchAnswer): void {
    const pending = this.#inFlight.get(worker);
    this.#inFlight.delete(worker);
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
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
