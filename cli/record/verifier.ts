/**
 * Runs the core verifier on a record folder from the command line: proofs on a pool
 * of worker threads (one per core unless told otherwise), progress on stderr at most
 * once a second, and a plain error naming the failed check.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeRecordFailure, type RecordFailure } from '../../core/record/failure';
import { verifyRecord, verifyRecordLogs, type VerifiedLogs, type VerifyOptions, type VerifyProgress, type VerifyReport } from '../../core/record/verify';
import type { PackageTrust } from '../../core/election/package';
import { nodeMerkleHasher } from '../../main/ledger/node-hasher';
import { CliError } from '../urna';
import { directoryRecordSource } from './files';
import { StationWorkerPool } from './station-pool';

export type VerifierSettings = {
  /** Worker threads for proofs; 0 or 1 checks them in the main thread. */
  readonly threads?: number;
  /** A pinned authority verifier-key file; without it the key the package names is used. */
  readonly authorityKeyFile?: string;
  readonly quiet?: boolean;
};

export function parseThreads(value: string | undefined): number {
  if (value === undefined) return Math.max(1, availableParallelism());
  if (!/^[0-9]+$/.test(value) || Number(value) > 64) throw new CliError('--threads must be an integer from 0 to 64');
  return Number(value);
}

function trustOf(settings: VerifierSettings): PackageTrust {
  if (settings.authorityKeyFile === undefined) return { authorityKey: 'self' };
  try {
    return { authorityKey: readFileSync(settings.authorityKeyFile, 'utf8').trim() };
  } catch (error) {
    throw new CliError(`cannot read ${settings.authorityKeyFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function progressPrinter(quiet: boolean): (p: VerifyProgress) => void {
  const started = performance.now();
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (quiet || (now - last < 1000 && p.stationsDone < p.stations)) return;
    last = now;
    const rate = p.ballotsVerified / Math.max(0.001, (now - started) / 1000);
    process.stderr.write(`verify: station ${p.stationId} (${p.stationsDone}/${p.stations}), ${p.ballotsVerified} ballots' proofs verified, ${rate.toFixed(0)} ballots/s\n`);
  };
}

async function withVerifier<T>(dir: string, settings: VerifierSettings, run: (options: VerifyOptions) => Promise<T>): Promise<T> {
  const threads = settings.threads ?? parseThreads(undefined);
  const trust = trustOf(settings);
  const base: VerifyOptions = { trust, hasher: nodeMerkleHasher, onProgress: progressPrinter(settings.quiet === true) };
  if (threads <= 1) return run(base);
  const source = directoryRecordSource(dir);
  // One thread per station at most; a record the main thread cannot open fails before any worker is needed.
  const stations = source.list('stations')?.length ?? 0;
  if (stations <= 1 || source.readText('election.json') === undefined) return run(base);
  const pool = new StationWorkerPool(path.resolve(dir), trust, Math.min(threads, stations));
  try {
    return await run({ ...base, stationVerifier: pool.verifier });
  } finally {
    await pool.close();
  }
}

export function failureError(failure: RecordFailure): CliError {
  return new CliError(`the election record does not verify: ${describeRecordFailure(failure)}`);
}

/** The logs and ballots of a record, fully verified; throws a CliError naming the first failure. */
export async function verifiedLogsOf(dir: string, settings: VerifierSettings): Promise<VerifiedLogs> {
  const source = directoryRecordSource(path.resolve(dir));
  const logs = await withVerifier(dir, settings, (options) => verifyRecordLogs(source, options));
  if (!logs.ok) throw failureError(logs.error);
  return logs.value;
}

export async function verifyRecordFolder(dir: string, settings: VerifierSettings): Promise<VerifyReport> {
  const source = directoryRecordSource(path.resolve(dir));
  return withVerifier(dir, settings, (options) => verifyRecord(source, options));
}
