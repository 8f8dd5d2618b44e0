/**
 * Validator scale-out (`npm run bench -- validator-scale`): station emulators push
 * at once to one validator run as 1, 2 and 4 processes (`urna validator start`) on
 * one PostgreSQL database, and as 1 process on SQLite.
 *
 * The emulators cost nothing during the run: before the clock starts, every station
 * records real encrypted ballots with proofs in its real signed ledger (LedgerStore),
 * and every push — entries and the station's signed checkpoint over them — is
 * serialized to its final JSON body. During the run each emulator sends its pushes
 * in order, each to the next process in turn, waiting for each answer. Before the
 * clock starts, four more stations' pushes warm every process up (V8 compiles the
 * hot paths), so the figures are the steady state, not start-up.
 *
 * Beside them, in the same run: the pure proof-verification rate of the same ballots
 * on one core (parse and batched verify, nothing else), the bound each process
 * count can reach is min(processes, cores) × that rate.
 *
 * PostgreSQL runs durable (fsync and synchronous commit on) as SQLite runs with
 * synchronous=FULL. URNA_BENCH_SCALE_STATIONS, URNA_BENCH_SCALE_BALLOTS (per
 * station) and URNA_BENCH_SCALE_BATCH (entries per push) change the load;
 * URNA_BENCH_SCALE_ROUNDS repeats every configuration (interleaved, median taken);
 * URNA_BENCH_SCALE_PROFILE=DIR writes a CPU profile of every validator process.
 *
 * Each configuration also says where the cores went while it ran (bench/cpu.ts:
 * validators, PostgreSQL server, emulators, other programs) and, on PostgreSQL, how
 * many backends waited for a lock — the figures docs/SCALE.md explains the speedup with.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import postgres from 'postgres';
import { parseEncryptedBallot, verifyBallots, type EncryptedBallot } from '../core/ballot';
import type { LogKind } from '../core/ids';
import { ENTRIES_PATH } from '../core/ledger/witness-protocol';
import { loadConfiguredElection, migrateValidatorStore } from '../validator/run';
import { readValidatorConfig } from '../validator/config';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresCluster } from '../test/support/postgres';
import {
  BallotWriter,
  entriesRequest,
  makeTestElection,
  ValidatorProcess,
  type TestElection,
} from '../test/integration/validator/fixture';
import { WINDOW_FILE } from './profile';
import { cpuUse, postmasterPid, sampleCpu, type CpuUse } from './cpu';
import { type BenchSuite, type Measurement, median, percentile } from './harness';

const STATIONS = Number(process.env['URNA_BENCH_SCALE_STATIONS'] ?? 16);
const BALLOTS = Number(process.env['URNA_BENCH_SCALE_BALLOTS'] ?? 40);
const BATCH = Number(process.env['URNA_BENCH_SCALE_BATCH'] ?? 10);
/** Rounds of every configuration, interleaved; each figure is the median over them. */
const ROUNDS = Number(process.env['URNA_BENCH_SCALE_ROUNDS'] ?? 1);
/** A folder: the validator processes run with `node --cpu-prof` and write their profiles there. */
const PROFILE_DIR = process.env['URNA_BENCH_SCALE_PROFILE'];
const LOCK_SAMPLE_MS = 100;
/** Stations whose pushes warm each round's processes up before the clock starts (as many as the most processes). */
const WARMUP_STATIONS = 4;
// Profiles name the sources (validator/…, core/…) only when the validators run them rather than the bundle.
if (PROFILE_DIR !== undefined) process.env['URNA_FROM_SOURCE'] = '1';

type Emulator = { readonly stationId: string; readonly bodies: readonly string[]; readonly ballots: number };
/** The measured stations, and the stations each round pushes first, untimed, to warm the processes up. */
type Emulators = { readonly emulators: readonly Emulator[]; readonly warmup: readonly Emulator[] };

/** Every station's pushes, pre-serialized, and the ballots they carry. */
function prepareEmulators(election: TestElection): Emulators & { writers: BallotWriter[] } {
  const writers: BallotWriter[] = [];
  const all = election.stations.map((station) => {
    const w = BallotWriter.open(election, station, path.join(election.dir, 'stations', station.stationId));
    writers.push(w);
    w.openPolls();
    for (let i = 0; i < BALLOTS; i++) w.castBallot();
    const log: LogKind = 'ballots';
    const size = w.ledger.size(log);
    const bodies: string[] = [];
    for (let from = 0; from < size; from += BATCH)
      bodies.push(JSON.stringify(entriesRequest(w.ledger, log, from, Math.min(size, from + BATCH))));
    return { stationId: station.stationId, bodies, ballots: BALLOTS };
  });
  return { emulators: all.slice(0, STATIONS), warmup: all.slice(STATIONS), writers };
}

/**
 * Parse and batched proof verification of every ballot, on this thread only: ballots
 * per wall second on one core, and per CPU second (the figure that does not depend on
 * what else the machine runs, comparable with the validators' ballots per CPU second).
 */
function proofBound(
  election: TestElection,
  emulators: readonly Emulator[],
): { perSecond: number; perCpuSecond: number } {
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
  const cpuStart = process.cpuUsage();
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
      const verified = verifyBallots(
        context,
        manifest,
        { stationId: job.stationId, ballotStyleId: job.styleId },
        ballots,
      );
      if (!verified.ok) throw new Error('a pre-generated ballot does not verify');
      count += ballots.length;
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    perSecond: count / ((performance.now() - start) / 1000),
    perCpuSecond: count / ((cpu.user + cpu.system) / 1e6),
  };
}

async function pushAll(
  emulators: readonly Emulator[],
  urls: readonly string[],
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    emulators.map(async (e, k) => {
      for (const [i, body] of e.bodies.entries()) {
        const url = urls[(k + i) % urls.length] as string;
        const sent = performance.now();
        const response = await fetch(new URL(ENTRIES_PATH, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await response.text();
        latencies.push(performance.now() - sent);
        if (response.status !== 200)
          throw new Error(`${e.stationId} push ${i}: HTTP ${response.status} ${text.slice(0, 300)}`);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, latencies };
}

type LockWaits = {
  readonly samples: number;
  readonly waitingMean: number;
  readonly activeMean: number;
  readonly byType: Map<string, number>;
};

/**
 * Samples, every LOCK_SAMPLE_MS while `during` runs, the database's backends that are
 * running a statement and those waiting for a lock (pg_stat_activity), and what kind of
 * lock they wait for (pg_locks: advisory for the per-station lock, transactionid or
 * tuple for rows).
 */
async function sampleLockWaits<T>(url: string, during: Promise<T>): Promise<{ result: T; waits: LockWaits }> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  const byType = new Map<string, number>();
  let samples = 0;
  let waiting = 0;
  let active = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const [row] = await sql<{ active: number; waiting: number; types: string[] | null }[]>`
        SELECT count(*) FILTER (WHERE a.state = 'active')::int AS active,
               count(*) FILTER (WHERE a.wait_event_type = 'Lock')::int AS waiting,
               (SELECT array_agg(l.locktype) FROM pg_locks l JOIN pg_stat_activity w ON w.pid = l.pid WHERE NOT l.granted AND w.datname = current_database()) AS types
        FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`;
      samples += 1;
      active += row?.active ?? 0;
      waiting += row?.waiting ?? 0;
      for (const type of row?.types ?? []) byType.set(type, (byType.get(type) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, LOCK_SAMPLE_MS));
    }
  })();
  try {
    const result = await during;
    return {
      result,
      waits: {
        samples,
        waitingMean: waiting / Math.max(1, samples),
        activeMean: active / Math.max(1, samples),
        byType,
      },
    };
  } finally {
    done = true;
    await sampler;
    await sql.end({ timeout: 1 });
  }
}

type RoundResult = {
  readonly seconds: number;
  readonly latencies: number[];
  readonly cpu?: CpuUse;
  readonly waits?: LockWaits;
  /** PostgreSQL: bytes the database grew by per ballot pushed (warm-up included), tables and indexes. */
  readonly databaseBytesPerBallot?: number;
};

async function databaseBytes(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ bytes: string }[]>`SELECT pg_database_size(current_database())::text AS bytes`;
    return Number(row?.bytes ?? Number.NaN);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const ballotsOf = (list: readonly Emulator[]) => list.reduce((n, e) => n + e.ballots, 0);

/** One round of one configuration: a fresh store, `processCount` validator processes, every emulator's pushes, stop. */
async function runRound(
  election: TestElection,
  { emulators, warmup }: Emulators,
  processCount: number,
  cluster: PostgresCluster | undefined,
  run: string,
): Promise<RoundResult> {
  const validator = election.validators[0];
  if (validator === undefined) throw new Error('validator');
  election.writeConfig({ ...validator, dataDir: path.join(election.dir, `data-${run}`) }, 0);
  const extra: Record<string, unknown> = { verifyThreads: 0 };
  let dbUrl: string | undefined;
  if (cluster !== undefined) {
    // Not URNA_BENCH_*: those name the run's settings in results.json.
    const env = `URNA_SCALE_DB_${run}`;
    dbUrl = await cluster.createDatabase(`scale_${run}`);
    process.env[env] = dbUrl;
    Object.assign(extra, { store: 'postgres', postgres: { urlEnv: env, poolSize: 8 } });
  }
  writeFileSync(
    validator.configFile,
    JSON.stringify({ ...(JSON.parse(readFileSync(validator.configFile, 'utf8')) as object), ...extra }, null, 2),
  );
  if (cluster !== undefined) {
    const read = readValidatorConfig(validator.configFile);
    if (!read.ok) throw new Error(read.error);
    const migrated = await migrateValidatorStore(read.value);
    if (!migrated.ok) throw new Error(migrated.error);
  }
  if (PROFILE_DIR !== undefined) mkdirSync(path.resolve(PROFILE_DIR, run), { recursive: true });
  const nodeArgs = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR, run)}`];
  const processes = Array.from({ length: processCount }, () => new ValidatorProcess(validator.configFile, nodeArgs));
  try {
    // One at a time: each compiles its sources on start, and the cores are few.
    const urls: string[] = [];
    for (const p of processes) urls.push(await p.start());
    const emptyBytes = dbUrl === undefined ? undefined : await databaseBytes(dbUrl);
    // Untimed: every process compiles its hot paths on other stations' pushes first, so the clock measures the steady state.
    await pushAll(warmup, urls);
    const parties = {
      validators: processes.map((p) => p.pid ?? 0),
      ...(cluster === undefined ? {} : { postgres: postmasterPid(cluster.dataDir) }),
    };
    const before = sampleCpu(parties);
    const from = process.hrtime.bigint();
    const pushed =
      dbUrl === undefined
        ? { result: await pushAll(emulators, urls) }
        : await sampleLockWaits(dbUrl, pushAll(emulators, urls));
    const after = sampleCpu(parties);
    // The push interval on the monotonic clock the profiles' timestamps use (µs), so that bench/profile.ts leaves start-up out.
    if (PROFILE_DIR !== undefined)
      writeFileSync(
        path.resolve(PROFILE_DIR, run, WINDOW_FILE),
        JSON.stringify({ from: Number(from / 1000n), to: Number(process.hrtime.bigint() / 1000n) }),
      );
    const grown =
      dbUrl === undefined || emptyBytes === undefined
        ? undefined
        : ((await databaseBytes(dbUrl)) - emptyBytes) / (ballotsOf(emulators) + ballotsOf(warmup));
    return {
      ...pushed.result,
      ...(before && after ? { cpu: cpuUse(before, after) } : {}),
      ...('waits' in pushed ? { waits: pushed.waits } : {}),
      ...(grown === undefined ? {} : { databaseBytesPerBallot: grown }),
    };
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
  }
}

/** Cores the run itself kept busy: the validators, their database and the emulators (not other programs). */
function cpuOfRun(c: CpuUse): number {
  return c.validators + c.postgres + c.emulators;
}

/**
 * The 2-process speedup the machine's cores allow, from the 1-process rounds: if a
 * ballot cost the same CPU with two processes, throughput could grow only until every
 * core not taken by other programs is busy, i.e. by (cores − other programs) ÷ the
 * cores the 1-process run kept busy, and never by more than the 2 processes.
 */
function speedupCeiling(rounds: readonly RoundResult[], cores: number): number | undefined {
  const ceilings = rounds.flatMap((r) =>
    r.cpu === undefined ? [] : [Math.min(2, (cores - r.cpu.other) / Math.max(1e-9, cpuOfRun(r.cpu)))],
  );
  return ceilings.length === 0 ? undefined : median(ceilings);
}

type Configuration = { readonly label: string; readonly processes: number; readonly store: 'sqlite' | 'postgres' };

function cpuNote(rounds: readonly RoundResult[]): string {
  const measured = rounds.filter((r) => r.cpu !== undefined);
  if (measured.length === 0) return 'no CPU accounting (no /proc)';
  const mean = (pick: (c: CpuUse) => number) =>
    (measured.reduce((sum, r) => sum + pick(r.cpu as CpuUse), 0) / measured.length).toFixed(2);
  return `cores used: validators ${mean((c) => c.validators)}, PostgreSQL ${mean((c) => c.postgres)}, emulators ${mean((c) => c.emulators)}, other programs ${mean((c) => c.other)}, idle ${mean((c) => c.idle)}`;
}

/** The measurements of one configuration over its rounds: median rate, pooled latencies, mean CPU shares and lock waits. */
function summarize(
  config: Configuration,
  rounds: readonly RoundResult[],
  ballots: number,
  cores: number,
  bound: number,
): Measurement[] {
  const name = `validator-scale.${config.label}`;
  const rates = rounds.map((r) => ballots / r.seconds);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const out: Measurement[] = [
    {
      name: `${name}.rate`,
      value: median(rates),
      unit: 'ballots/s',
      note: `median of ${rounds.length} round(s): ${rates.map((r) => r.toFixed(0)).join(', ')}; ${cpuNote(rounds)}`,
    },
    { name: `${name}.push.p50`, value: percentile(latencies, 50), unit: 'ms' },
    { name: `${name}.push.p99`, value: percentile(latencies, 99), unit: 'ms' },
  ];
  const withCpu = rounds.filter((r) => r.cpu !== undefined);
  if (withCpu.length > 0) {
    const meanCores = (pick: (c: CpuUse) => number) =>
      withCpu.reduce((sum, r) => sum + pick(r.cpu as CpuUse), 0) / withCpu.length;
    for (const party of ['validators', 'postgres', 'emulators', 'other'] as const)
      out.push({ name: `${name}.cpu.${party}`, value: meanCores((c) => c[party]), unit: 'cores' });
    // Ballots per CPU second of the validator processes: the per-core figure docs/SCALE.md sizes from.
    out.push({
      name: `${name}.per-validator-core`,
      value: median(
        rounds
          .filter((r) => r.cpu !== undefined)
          .map((r) => ballots / r.seconds / Math.max(1e-9, (r.cpu as CpuUse).validators)),
      ),
      unit: 'ballots/s',
      note: 'ballots per second per core the validator processes used',
    });
    // The whole machine's CPU per ballot (validators, PostgreSQL, emulators): what the cores must pay for each ballot.
    out.push({
      name: `${name}.cpu-ms-per-ballot`,
      value: median(withCpu.map((r) => (cpuOfRun(r.cpu as CpuUse) * r.seconds * 1000) / ballots)),
      unit: 'ms',
      note: 'CPU time of validators + PostgreSQL + emulators per ballot',
    });
  }
  const withWaits = rounds.filter((r) => r.waits !== undefined);
  if (withWaits.length > 0) {
    const types = new Map<string, number>();
    for (const r of withWaits)
      for (const [t, n] of (r.waits as LockWaits).byType) types.set(t, (types.get(t) ?? 0) + n);
    const active = withWaits.reduce((sum, r) => sum + (r.waits as LockWaits).activeMean, 0) / withWaits.length;
    out.push({
      name: `${name}.lock-waiting-backends`,
      value: withWaits.reduce((sum, r) => sum + (r.waits as LockWaits).waitingMean, 0) / withWaits.length,
      unit: 'backends',
      note: `mean backends waiting for a lock, sampled every ${LOCK_SAMPLE_MS} ms (of ${active.toFixed(2)} running a statement); waited-for lock types: ${[...types].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
    });
  }
  const grown = rounds.flatMap((r) => (r.databaseBytesPerBallot === undefined ? [] : [r.databaseBytesPerBallot]));
  if (grown.length > 0)
    out.push({
      name: `${name}.database-bytes-per-ballot`,
      value: median(grown),
      unit: 'bytes',
      note: 'pg_database_size growth (tables and indexes, not WAL) per ballot pushed',
    });
  if (config.store === 'postgres')
    out.push({
      name: `${name}.bound`,
      value: Math.min(config.processes, cores) * bound,
      unit: 'ballots/s',
      note: `min(${config.processes} processes, ${cores} cores) × the one-core proof bound`,
    });
  return out;
}

export const validatorScaleSuite: BenchSuite = {
  name: 'validator-scale',
  async run() {
    const stations = Array.from({ length: STATIONS + WARMUP_STATIONS }, (_, i) => ({
      id: `station-${i + 1}`,
      precinct: 'uik-1201',
    }));
    const election = makeTestElection({ validators: 1, stations, label: 'bench-scale' });
    const prepared = prepareEmulators(election);
    const { emulators, writers } = prepared;
    const out: Measurement[] = [];
    let cluster: PostgresCluster | undefined;
    try {
      const { perSecond: bound, perCpuSecond: boundPerCpu } = proofBound(election, emulators);
      const cores = availableParallelism();
      const ballots = ballotsOf(emulators);
      const wire = emulators.reduce((n, e) => n + e.bodies.reduce((m, b) => m + Buffer.byteLength(b), 0), 0);
      out.push({
        name: 'validator-scale.proof-bound.1-core.rate',
        value: bound,
        unit: 'ballots/s',
        note: `parse + batched proof verification of the same ballots on one core; ${STATIONS} stations × ${BALLOTS} ballots, ${BATCH} entries per push, ${ROUNDS} round(s)`,
      });
      out.push({
        name: 'validator-scale.push.bytes-per-ballot',
        value: wire / ballots,
        unit: 'bytes',
        note: `request bodies (entries and checkpoint, JSON) per ballot, ${BATCH} entries per push; every ballot is two ballot-log entries (pending, cast)`,
      });
      out.push({
        name: 'validator-scale.proof-bound.per-cpu-second',
        value: boundPerCpu,
        unit: 'ballots/s',
        note: 'the same proof checks per CPU second of this thread: beside each per-validator-core figure',
      });
      const configurations: Configuration[] = [{ label: 'sqlite.1-process', processes: 1, store: 'sqlite' }];
      if (findPostgresBin() === undefined) process.stdout.write(`  ${POSTGRES_MISSING}\n`);
      else {
        cluster = await startPostgres({ durable: true });
        for (const n of [1, 2, 4])
          configurations.push({ label: `postgres.${n}-process`, processes: n, store: 'postgres' });
      }
      // Rounds interleave the configurations, so that a change in the machine's load over the run touches all of them alike.
      const rounds = new Map<string, RoundResult[]>(configurations.map((c) => [c.label, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [k, config] of configurations.entries()) {
          const result = await runRound(
            election,
            prepared,
            config.processes,
            config.store === 'postgres' ? cluster : undefined,
            `${round}_${k}`,
          );
          process.stdout.write(
            `  round ${round + 1}, ${config.label}: ${ballots} ballots in ${result.seconds.toFixed(2)} s, load ${loadavg()[0]?.toFixed(1)}; ${result.cpu === undefined ? '' : cpuNote([result])}\n`,
          );
          rounds.get(config.label)?.push(result);
        }
      }
      for (const config of configurations)
        out.push(...summarize(config, rounds.get(config.label) ?? [], ballots, cores, bound));
      if (cluster !== undefined) {
        const rate = (n: number) =>
          out.find((m) => m.name === `validator-scale.postgres.${n}-process.rate`)?.value ?? Number.NaN;
        const speedup = rate(2) / rate(1);
        const ceiling = speedupCeiling(rounds.get('postgres.1-process') ?? [], cores);
        const cpuPerBallot = (n: number) =>
          out.find((m) => m.name === `validator-scale.postgres.${n}-process.cpu-ms-per-ballot`)?.value;
        if (ceiling !== undefined)
          out.push({
            name: 'validator-scale.postgres.2-vs-1.ceiling',
            value: ceiling,
            unit: 'x',
            note: `min(2, (${cores} cores − other programs) ÷ the cores the 1-process run kept busy (validators, PostgreSQL, emulators)): the most a second process can add at the same CPU per ballot; CPU per ballot was ${cpuPerBallot(1)?.toFixed(1)} ms with 1 process and ${cpuPerBallot(2)?.toFixed(1)} ms with 2`,
          });
        out.push({
          name: 'validator-scale.postgres.2-vs-1.speedup',
          value: speedup,
          unit: 'x',
          target:
            cores >= 2
              ? `>= 1.6 on two cores${ceiling === undefined ? '' : ` (the cores allow at most ${ceiling.toFixed(2)})`}`
              : 'n/a on one core',
          ...(cores >= 2 ? { meetsTarget: speedup >= 1.6 } : {}),
          note: `load average ${loadavg()
            .map((l) => l.toFixed(1))
            .join(' / ')} at the end; docs/SCALE.md explains where it stops`,
        });
      }
      if (PROFILE_DIR !== undefined)
        process.stdout.write(
          `  CPU profiles of the validator processes in ${path.resolve(PROFILE_DIR)} (summary: node --import tsx bench/profile.ts ${PROFILE_DIR})\n`,
        );
      return out;
    } finally {
      for (const w of writers) w.close();
      await cluster?.stop();
      election.cleanup();
    }
  },
};
