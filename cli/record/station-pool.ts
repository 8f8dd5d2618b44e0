/**
 * Stations are independent: a pool of worker threads verifies whole stations in
 * parallel (replay, proofs, totals — core/record/verify.ts verifyStation), each
 * reading the record folder itself, so no ballot crosses a thread boundary. The
 * main thread only collects the small per-station results.
 */
import { encryptedTallyToRecord, parseEncryptedTally, type EncryptedTallyRecord } from '../../core/ballot';
import type { RecordFailure } from '../../core/record/failure';
import type { StationVerifier, VerifiedStation } from '../../core/record/verify';
import { err, ok, type Result } from '../../core/result';
import { bundled, bundleFile } from '../../validator/entry-points';
import { WorkerPool } from '../../validator/worker-pool';

export type StationJob = { readonly id: number; readonly stationId: string };

/** A VerifiedStation as it crosses threads: the totals' group elements travel as their encodings. */
export type WireStation = Omit<VerifiedStation, 'totals'> & {
  readonly totals: { readonly stationId: string; readonly precinctId: string; readonly tally: EncryptedTallyRecord };
};

export type StationAnswer = { readonly id: number; readonly result: Result<WireStation, RecordFailure> };

export function toWire(station: VerifiedStation): WireStation {
  return { ...station, totals: { ...station.totals, tally: encryptedTallyToRecord(station.totals.tally) } };
}

function fromWire(station: WireStation): VerifiedStation {
  const tally = parseEncryptedTally(station.totals.tally);
  if (!tally.ok) throw new Error(`invariant failed: a worker's totals of ${station.station.stationId} do not decode`);
  return { ...station, totals: { ...station.totals, tally: tally.value } };
}

export class StationWorkerPool {
  readonly #pool: WorkerPool<StationJob, StationAnswer>;
  #nextId = 0;

  /** `dir` is the record folder; each worker trusts the package as `trust` says, like the main thread. */
  constructor(dir: string, trust: unknown, threads: number) {
    this.#pool = new WorkerPool({
      script: bundled
        ? bundleFile('urna-verify-worker.mjs')
        : new URL('../../bin/urna-verify-worker.mjs', import.meta.url),
      workerData: { dir, trust },
      threads,
      announcesReady: false,
    });
    // Started now, so the workers open the record while the main thread does.
    this.#pool.start();
  }

  readonly verifier: StationVerifier = async (_election, stationId) => {
    const answer = await this.#pool.submit({ id: this.#nextId++, stationId });
    return answer.result.ok ? ok(fromWire(answer.result.value)) : err(answer.result.error);
  };

  close(): Promise<void> {
    return this.#pool.close();
  }
}
