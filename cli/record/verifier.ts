/**
 * Runs the core verifier on a record folder from the command line: stations on a pool
 * of worker threads when the record is large enough to pay for them (or as many as
 * --threads says), progress on stderr at most once a second, and a plain error naming
 * the failed check.
 */
import { availableParallelism } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeRecordFailure, type RecordFailure } from '../../core/record/failure';
import {
  verifyRecord,
  verifyRecordLogs,
  type VerifiedLogs,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyReport,
} from '../../core/record/verify';
import type { PackageTrust } from '../../core/election/package';
import type { RecordStage } from '../../core/record/steps';
import { useNodeEd25519 } from '../../storage/ed25519-verifier';
import { nodeMerkleHasher } from '../../storage/merkle-hasher';
import { CliError } from '../urna';
import { directoryRecordSource } from './files';
import { StationWorkerPool } from './station-pool';

export type VerifierSettings = {
  /** Worker threads for proofs; 0 or 1 checks them in the main thread; 'auto' (the default) as `autoThreads` decides. */
  readonly threads?: number | 'auto';
  /** A pinned authority verifier-key file; without it the key the package names is used. */
  readonly authorityKeyFile?: string;
  readonly quiet?: boolean;
  /** The stage the record must have reached (docs/SPEC.md §11.1). */
  readonly requireStage?: RecordStage;
};

/**
 * Ballot logs below this many bytes in all (about 9,000 one-question or 500
 * ten-contest ballots) are verified in the main thread by default: each worker
 * thread loads the verifier and opens the election again, which costs more than it
 * saves on a smaller record (bench/verify.bench.ts measures both).
 */
export const AUTO_THREADS_MIN_LOG_BYTES = 16 * 1024 * 1024;

export function parseThreads(value: string | undefined): number | 'auto' {
  if (value === undefined) return 'auto';
  if (!/^[0-9]+$/.test(value) || Number(value) > 64) throw new CliError('--threads must be an integer from 0 to 64');
  return Number(value);
}

/** The trust a checker starts from: the authority's key from a file obtained independently, or the key the package names. */
export function packageTrustFrom(authorityKeyFile: string | undefined): PackageTrust {
  if (authorityKeyFile === undefined) return { authorityKey: 'self' };
  try {
    return { authorityKey: readFileSync(authorityKeyFile, 'utf8').trim() };
  } catch (error) {
    throw new CliError(`cannot read ${authorityKeyFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Progress so far, all stations together: at most one line a second, and the last. */
function progressPrinter(quiet: boolean): (p: VerifyProgress) => void {
  const started = performance.now();
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (quiet || (now - last < 1000 && p.stationsDone < p.stations)) return;
    last = now;
    const rate = p.ballotsVerified / Math.max(0.001, (now - started) / 1000);
    process.stderr.write(
      `verify: ${p.stationsDone}/${p.stations} stations, ${p.ballotsVerified} ballots' proofs verified, ${rate.toFixed(0)} ballots/s\n`,
    );
  };
}

/** The size of the stations' ballot logs, in bytes (files that are missing count 0: the verifier names them). */
function ballotLogBytes(dir: string, stations: readonly string[]): number {
  let total = 0;
  for (const station of stations) {
    try {
      total += statSync(path.join(dir, 'stations', station, 'ballots', 'entries.jsonl')).size;
    } catch {
      // The verifier reports the missing log.
    }
  }
  return total;
}

/** Threads by default: one per core, up to one per station, when the ballot logs are large enough to pay for them; otherwise none. */
export function autoThreads(dir: string, stations: readonly string[]): number {
  if (stations.length <= 1 || ballotLogBytes(dir, stations) < AUTO_THREADS_MIN_LOG_BYTES) return 0;
  return Math.min(stations.length, Math.max(1, availableParallelism()));
}

async function withVerifier<T>(
  dir: string,
  settings: VerifierSettings,
  run: (options: VerifyOptions) => Promise<T>,
): Promise<T> {
  useNodeEd25519();
  const trust = packageTrustFrom(settings.authorityKeyFile);
  const base: VerifyOptions = { trust, hasher: nodeMerkleHasher, onProgress: progressPrinter(settings.quiet === true) };
  if (settings.threads !== undefined && settings.threads !== 'auto' && settings.threads <= 1) return run(base);
  const source = directoryRecordSource(dir);
  // One thread per station at most; a record the main thread cannot open fails before any worker is needed.
  const stationIds = source.list('stations') ?? [];
  const stations = stationIds.length;
  const threads =
    settings.threads === undefined || settings.threads === 'auto'
      ? autoThreads(path.resolve(dir), stationIds)
      : settings.threads;
  if (threads <= 1 || stations <= 1 || source.readText('election.json') === undefined) return run(base);
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
  return withVerifier(dir, settings, (options) =>
    verifyRecord(
      source,
      settings.requireStage === undefined ? options : { ...options, requireStage: settings.requireStage },
    ),
  );
}
