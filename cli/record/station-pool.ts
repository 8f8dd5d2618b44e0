/**
 * Stations are independent: a pool of worker threads verifies whole stations in
 * parallel (replay, proofs, totals — core/record/verify.ts verifyStation), each
 * reading the record folder itself, so no ballot crosses a thread boundary. The
 * main thread only collects the small per-station results.
 */
import { Worker } from 'node:worker_threads';
import { encryptedTallyToRecord, parseEncryptedTally, type EncryptedTallyRecord } from '../../core/ballot';
import type { RecordFailure } from '../../core/record/failure';
import type { StationVerifier, VerifiedStation } from '../../core/record/verify';
import { err, ok, type Result } from '../../core/result';

export type StationJob = { readonly id: number; readonly stationId: string };

/** A VerifiedStation as it crosses threads: the totals' group elements travel as their encodings. */
export type WireStation = Omit<VerifiedStation, 'totals'> & { readonly totals: { readonly stationId: string; readonly precinctId: string; readonly tally: EncryptedTallyRecord } };

export type StationAnswer = { readonly id: number; readonly result: Result<WireStation, RecordFailure> };

export function toWire(station: VerifiedStation): WireStation {
  return { ...station, totals: { ...station.totals, tally: encryptedTallyToRecord(station.totals.tally) } };
}

function fromWire(station: WireStation): VerifiedStation {
  const tally = parseEncryptedTally(station.totals.tally);
  if (!tally.ok) throw new Error(`invariant failed: a worker's totals of ${station.station.stationId} do not decode`);
  return { ...station, totals: { ...station.totals, tally: tally.value } };
}

type Pending = { resolve(answer: StationAnswer): void; reject(error: Error): void };

export class StationWorkerPool {
  readonly #workers: Worker[];
  readonly #idle: Worker[] = [];
  readonly #queue: { job: StationJob; pending: Pending }[] = [];
  readonly #inFlight = new Map<Worker, Pending>();
  #nextId = 0;
  #failed: Error | undefined;

  /** `dir` is the record folder; each worker trusts the package as `trust` says, like the main thread. */
  constructor(dir: string, trust: unknown, threads: number) {
    this.#workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL('../../bin/urna-verify-worker.mjs', import.meta.url), { workerData: { dir, trust } });
      worker.on('message', (answer: StationAnswer) => this.#done(worker, answer));
      worker.on('error', (error) => this.#fail(worker, error));
      return worker;
    });
    this.#idle.push(...this.#workers);
  }

  readonly verifier: StationVerifier = async (_election, stationId) => {
    const answer = await this.#submit({ id: this.#nextId++, stationId });
    return answer.result.ok ? ok(fromWire(answer.result.value)) : err(answer.result.error);
  };

  #submit(job: StationJob): Promise<StationAnswer> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, pending: { resolve, reject } });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const next = this.#queue.shift() as { job: StationJob; pending: Pending };
      this.#inFlight.set(worker, next.pending);
      worker.postMessage(next.job);
    }
  }

  #done(worker: Worker, answer: StationAnswer): void {
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
