/**
 * Validator scale-out (`npm run bench -- validator-scale`): station emulators push
 * at once to one validator run as 1, 2 and 4 processes (`urna validator start`) on
 * one PostgreSQL database, and as 1 process on SQLite.
 *
 * The emulators cost nothing during the run: before the clock starts, every station
 * records real encrypted ballots with proofs in its real signed ledger (LedgerStore),
 * and every push — entries and the station's signed checkpoint over them — is
 * serialized to its final JSON body. During the run each emulator sends its pushes
 * in order, each to the next process in turn, waiting for each answer.
 *
 * Beside them, in the same run: the pure proof-verification rate of the same ballots
 * on one core (parse and batched verify, nothing else), the bound each process
 * count can reach is min(processes, cores) × that rate.
 *
 * PostgreSQL runs durable (fsync and synchronous commit on) as SQLite runs with
 * synchronous=FULL. URNA_BENCH_SCALE_STATIONS, URNA_BENCH_SCALE_BALLOTS (per
 * station) and URNA_BENCH_SCALE_BATCH (entries per push) change the load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { parseEncryptedBallot, verifyBallots, type EncryptedBallot } from '../core/ballot';
import type { LogKind } from '../core/ids';
import { ENTRIES_PATH } from '../core/ledger/witness-protocol';
import { loadConfiguredElection, migrateValidatorStore } from '../validator/run';
import { readValidatorConfig } from '../validator/config';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresCluster } from '../test/support/postgres';
import { BallotWriter, entriesRequest, makeTestElection, ValidatorProcess, type TestElection } from '../test/integration/validator/fixture';
import { type BenchSuite, type Measurement, percentile } from './harness';

const STATIONS = Number(process.env['URNA_BENCH_SCALE_STATIONS'] ?? 16);
const BALLOTS = Number(process.env['URNA_BENCH_SCALE_BALLOTS'] ?? 40);
const BATCH = Number(process.env['URNA_BENCH_SCALE_BATCH'] ?? 10);

type Emulator = { readonly stationId: string; readonly bodies: readonly string[]; readonly ballots: number };

/** Every station's pushes, pre-serialized, and the ballots they carry. */
function prepareEmulators(election: TestElection): { emulators: Emulator[]; writers: BallotWriter[] } {
  const writers: BallotWriter[] = [];
  const emulators = election.stations.map((station) => {
    const w = BallotWriter.open(election, station, path.join(election.dir, 'stations', station.stationId));
    writers.push(w);
    w.openPolls();
    for (let i = 0; i < BALLOTS; i++) w.castBallot();
    const log: LogKind = 'ballots';
    const size = w.ledger.size(log);
    const bodies: string[] = [];
    for (let from = 0; from < size; from += BATCH) bodies.push(JSON.stringify(entriesRequest(w.ledger, log, from, Math.min(size, from + BATCH))));
    return { stationId: station.stationId, bodies, ballots: BALLOTS };
  });
  return { emulators, writers };
}

/** Parse and batched proof verification of every ballot, on this thread only: ballots per second on one core. */
function proofBound(election: TestElection, emulators: readonly Emulator[]): number {
  const validator = election.validators[0];
  if (validator === undefined) throw new Error('validator');
  const config = readValidatorConfig(election.writeConfig(validator, 0));
  if (!config.ok) throw new Error(config.error);
  const loaded = loadConfiguredElection(config.value);
  if (!loaded.ok) throw new Error(loaded.error);
  const { context, manifests } = loaded.value;
  const jobs: { stationId: string; styleId: string; records: unknown[] }[] = [];
  for (const e of emulators) {
    const byStyle = new Map<string, unknown[]>();
    for (const body of e.bodies) {
      for (const text of (JSON.parse(body) as { entries: string[] }).entries) {
        const entry = JSON.parse(text) as { type: string; ballotStyleId?: string; ballot?: unknown };
        if (entry.type !== 'ballot-pending' || entry.ballotStyleId === undefined) continue;
        const list = byStyle.get(entry.ballotStyleId) ?? [];
        list.push(entry.ballot);
        byStyle.set(entry.ballotStyleId, list);
      }
    }
    for (const [styleId, records] of byStyle) jobs.push({ stationId: e.stationId, styleId, records });
  }
  let count = 0;
  const start = performance.now();
  for (const job of jobs) {
    const manifest = manifests.get(job.styleId);
    if (manifest === undefined) throw new Error(`style ${job.styleId}`);
    // One batch per push, as a validator checks them.
    for (let i = 0; i < job.records.length; i += Math.ceil(BATCH / 2)) {
      const ballots: EncryptedBallot[] = job.records.slice(i, i + Math.ceil(BATCH / 2)).map((r) => {
        const parsed = parseEncryptedBallot(r);
        if (!parsed.ok) throw new Error('ballot record');
        return parsed.value;
      });
      const verified = verifyBallots(context, manifest, { stationId: job.stationId, ballotStyleId: job.styleId }, ballots);
      if (!verified.ok) throw new Error('a pre-generated ballot does not verify');
      count += ballots.length;
    }
  }
  return count / ((performance.now() - start) / 1000);
}

async function pushAll(emulators: readonly Emulator[], urls: readonly string[]): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    emulators.map(async (e, k) => {
      for (const [i, body] of e.bodies.entries()) {
        const url = urls[(k + i) % urls.length] as string;
        const sent = performance.now();
        const response = await fetch(new URL(ENTRIES_PATH, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.text();
        latencies.push(performance.now() - sent);
        if (response.status !== 200) throw new Error(`${e.stationId} push ${i}: HTTP ${response.status} ${text.slice(0, 300)}`);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

async function runConfiguration(
  election: TestElection,
  emulators: readonly Emulator[],
  label: string,
  processCount: number,
  cluster: PostgresCluster | undefined,
  run: number,
): Promise<Measurement[]> {
  const validator = election.validators[0];
  if (validator === undefined) throw new Error('validator');
  election.writeConfig({ ...validator, dataDir: path.join(election.dir, `data-${run}`) }, 0);
  const extra: Record<string, unknown> = { verifyThreads: 0 };
  if (cluster !== undefined) {
    const env = `URNA_BENCH_SCALE_DB_${run}`;
    process.env[env] = await cluster.createDatabase(`scale_${run}`);
    Object.assign(extra, { store: 'postgres', postgres: { urlEnv: env, poolSize: 8 } });
  }
  writeFileSync(validator.configFile, JSON.stringify({ ...(JSON.parse(readFileSync(validator.configFile, 'utf8')) as object), ...extra }, null, 2));
  if (cluster !== undefined) {
    const read = readValidatorConfig(validator.configFile);
    if (!read.ok) throw new Error(read.error);
    const migrated = await migrateValidatorStore(read.value);
    if (!migrated.ok) throw new Error(migrated.error);
  }
  const processes = Array.from({ length: processCount }, () => new ValidatorProcess(validator.configFile));
  try {
    // One at a time: each compiles its sources on start, and the cores are few.
    const urls: string[] = [];
    for (const p of processes) urls.push(await p.start());
    const { seconds, latencies } = await pushAll(emulators, urls);
    const ballots = emulators.reduce((n, e) => n + e.ballots, 0);
    const name = `validator-scale.${label}`;
    process.stdout.write(`  ${label}: ${ballots} ballots in ${seconds.toFixed(2)} s\n`);
    return [
      { name: `${name}.rate`, value: ballots / seconds, unit: 'ballots/s' },
      { name: `${name}.push.p50`, value: percentile(latencies, 50), unit: 'ms' },
      { name: `${name}.push.p99`, value: percentile(latencies, 99), unit: 'ms' },
    ];
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
  }
}

export const validatorScaleSuite: BenchSuite = {
  name: 'validator-scale',
  async run() {
    const stations = Array.from({ length: STATIONS }, (_, i) => ({ id: `station-${i + 1}`, precinct: 'uik-1201' }));
    const election = makeTestElection({ validators: 1, stations, label: 'bench-scale' });
    const { emulators, writers } = prepareEmulators(election);
    const out: Measurement[] = [];
    let cluster: PostgresCluster | undefined;
    try {
      const bound = proofBound(election, emulators);
      const cores = availableParallelism();
      out.push({ name: 'validator-scale.proof-bound.1-core.rate', value: bound, unit: 'ballots/s', note: `parse + batched proof verification of the same ballots on one core; ${STATIONS} stations × ${BALLOTS} ballots, ${BATCH} entries per push` });
      out.push(...(await runConfiguration(election, emulators, 'sqlite.1-process', 1, undefined, 0)));
      if (findPostgresBin() === undefined) {
        process.stdout.write(`  ${POSTGRES_MISSING}\n`);
        return out;
      }
      cluster = await startPostgres({ durable: true });
      const rates = new Map<number, number>();
      for (const [run, n] of [1, 2, 4].entries()) {
        const measured = await runConfiguration(election, emulators, `postgres.${n}-process`, n, cluster, run + 1);
        rates.set(n, measured[0]?.value ?? Number.NaN);
        out.push(...measured, { name: `validator-scale.postgres.${n}-process.bound`, value: Math.min(n, cores) * bound, unit: 'ballots/s', note: `min(${n} processes, ${cores} cores) × the one-core proof bound` });
      }
      const speedup = (rates.get(2) ?? Number.NaN) / (rates.get(1) ?? Number.NaN);
      out.push({
        name: 'validator-scale.postgres.2-vs-1.speedup',
        value: speedup,
        unit: 'x',
        target: cores >= 2 ? '>= 1.6 on two cores' : 'n/a on one core',
        ...(cores >= 2 ? { meetsTarget: speedup >= 1.6 } : {}),
      });
      return out;
    } finally {
      for (const w of writers) w.close();
      await cluster?.stop();
      election.cleanup();
    }
  },
};
