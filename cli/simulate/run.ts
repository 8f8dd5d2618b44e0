/**
 * `urna simulate`: a whole election day on one machine, every part the real one.
 *
 *   officials    package, key ceremony, enrollment, provisioning   (election-setup.ts)
 *   validators   V validators of P processes of `urna validator start` each (P > 1 on
 *                PostgreSQL: a throwaway cluster, one database per validator shared by
 *                its processes), each validator behind a proxy per station
 *   stations     N kiosk processes with printer and card-reader simulators on socat ptys
 *   voters       M per station with seeded intentions                (voters.ts, station-driver.ts)
 *   close        polls closed, both logs cosigned by every validator
 *   officials    `urna record export`, K × `urna tally share`, `urna tally combine`, `urna verify`
 *
 * It returns what the voters meant (counted by the simulator from its own seeded
 * choices), what the guardians decrypted, whether they match, and whether the
 * record verifies. With faults, kiosks are killed and restarted, printers run out of
 * paper, validators are stopped and restarted and stations lose their network.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toHex } from '../../core/encoding/bytes';
import type { BallotManifest } from '../../core/ballot';
import type { EventLogger } from '../../core/logging';
import type { StationStatus } from '../../core/api/station-api';
import type { ElectionResults } from '../../core/record/results';
import { firstDifference } from '../../core/record/results';
import { CardReaderSimulator } from '../../hardware/sim/card-reader-sim';
import { PrinterSimulator } from '../../hardware/sim/printer-sim';
import { PtyPair } from '../../hardware/sim/pty-pair';
import type { SyncBatchPolicy } from '../../main/sync/sync-batching';
import { CliError } from '../urna';
import { guardianTallyShare } from './guardians';
import {
  prepareElection,
  URNA_BIN,
  type SimulatedElection,
  type SimulatedStation,
  type SimulationShape,
} from './election-setup';
import { LoopbackProxy } from './loopback-proxy';
import { DayProgress } from './progress';
import { emptyDayStats, NO_FAULTS, planStationFaults, StationDriver, type StationDayStats } from './station-driver';
import { StationProcess } from './station-process';
import { ValidatorProcess } from './validator-process';
import { startPostgres, type PostgresCluster } from './postgres-cluster';
import {
  addCounts,
  countBallot,
  electionMood,
  emptyCounts,
  planVoters,
  SeededStream,
  type PlainCounts,
  type VoterIntent,
} from './voters';

export type SimulateOptions = SimulationShape & {
  readonly seed: string;
  readonly out: string;
  readonly faults: boolean;
  /** Keys, station data, validator data and shares; a fresh temporary folder by default. */
  readonly workDir?: string;
  /** Keep the working folder after a successful run (it is always kept after a failure). */
  readonly keepWork?: boolean;
  /** Worker threads for the officials' proof checks (default: as `urna verify` chooses). */
  readonly threads?: number;
  /** Progress lines for a person watching (stderr). */
  readonly progress?: (line: string) => void;
  /** Each validator's store (default sqlite); postgres starts a throwaway cluster with one database per validator. */
  readonly validatorStore?: 'sqlite' | 'postgres';
  /** Processes per validator, all on its one database (default 1; more needs postgres). */
  readonly validatorProcesses?: number;
};

/** Overall counts, and per station (or, once published, per publication unit: a station alone or a merged unit). */
export type ResultsView = PlainCounts & { readonly stations: Record<string, PlainCounts> };

export type SimulationSummary = {
  readonly seed: string;
  readonly shape: SimulationShape;
  readonly faults: boolean;
  readonly validatorStore: 'sqlite' | 'postgres';
  readonly validatorProcesses: number;
  readonly intended: ResultsView;
  readonly decrypted: ResultsView | null;
  readonly match: boolean;
  /** Where intended and decrypted first differ, when they do. */
  readonly difference?: string;
  readonly verified: boolean;
  readonly record: string;
  readonly guardiansDecrypting: readonly string[];
  readonly events: StationDayStats & { readonly validatorRestarts: number; readonly networkCuts: number };
  /** Wall-clock seconds of each phase, and the voting phase's ballots per second. */
  readonly timings: Readonly<Record<string, number | string>>;
  readonly workDir: string | null;
};

/**
 * A simulated day lasts seconds, not hours: stations release a batch every 8 entries
 * (about three voters) or every second or so, not the kiosk's 25 entries / 5 minutes.
 */
const SIMULATE_SYNC_BATCHING: SyncBatchPolicy = { entries: 8, intervalMs: 1000, jitterMs: 250 };

function seconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a `urna` subcommand; its output goes to stderr, so stdout stays the summary. */
function runUrna(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [URNA_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    child.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function checkShape(options: SimulateOptions): void {
  const positive = (value: number, name: string, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new CliError(`--${name} must be an integer from 1 to ${max}`);
  };
  positive(options.stations, 'stations', 200);
  positive(options.voters, 'voters', 20_000);
  if (options.stationVoters !== undefined) {
    if (options.stationVoters.length !== options.stations)
      throw new CliError(
        `--station-voters gives ${options.stationVoters.length} station(s), --stations ${options.stations}`,
      );
    for (const n of options.stationVoters) positive(n, 'station-voters', 20_000);
  }
  positive(options.validators, 'validators', 32);
  positive(options.cosign, 'cosign', options.validators);
  positive(options.guardians, 'guardians', 100);
  positive(options.threshold, 'threshold', options.guardians);
  const processes = options.validatorProcesses ?? 1;
  positive(processes, 'validator-processes', 16);
  if (processes > 1 && options.validatorStore !== 'postgres')
    throw new CliError(
      '--validator-processes above 1 needs --validator-store postgres: processes of one validator share its database',
    );
  if (options.cosign * 2 <= options.validators)
    throw new CliError(
      `--cosign must be more than half of --validators (${options.validators}), or two histories could both be final`,
    );
  if (existsSync(options.out) && readdirSync(options.out).length > 0)
    throw new CliError(`${options.out} is not empty; the election record needs a fresh folder`);
}

/**
 * Results as the simulator compares them: per publication unit (a station alone, or
 * the stations merged below the package's minimum count) and overall, counts by
 * contest and selection.
 */
function viewOfResults(results: ElectionResults): ResultsView {
  const unit = (u: ElectionResults['overall']): PlainCounts => ({
    ballotsCast: u.ballotsCast,
    contests: Object.fromEntries(
      u.contests.map((c) => [c.contestId, Object.fromEntries(c.selections.map((s) => [s.selectionId, s.count]))]),
    ),
  });
  return {
    ...unit(results.overall),
    stations: Object.fromEntries([
      ...results.stations.map((s) => [s.stationId, unit(s)] as const),
      ...results.merged.map((m) => [m.unitId, unit(m)] as const),
    ]),
  };
}

/** What the voters meant, summed over the units the results were published in: the level at which they can be compared. */
export function intendedAtUnits(intended: ResultsView, results: ElectionResults): ResultsView {
  const units: Record<string, PlainCounts> = {};
  for (const s of results.stations) {
    const counts = intended.stations[s.stationId];
    if (counts !== undefined) units[s.stationId] = counts;
  }
  for (const m of results.merged) {
    const sum: PlainCounts = { ballotsCast: 0, contests: {} };
    for (const member of m.stations) {
      const counts = intended.stations[member.stationId];
      if (counts !== undefined) addCounts(sum, counts);
    }
    units[m.unitId] = sum;
  }
  // A station the voters used that the results leave out stays, so the difference names it.
  for (const [id, counts] of Object.entries(intended.stations)) {
    if (
      !results.stations.some((s) => s.stationId === id) &&
      !results.merged.some((m) => m.stations.some((s) => s.stationId === id))
    )
      units[id] = counts;
  }
  return { ballotsCast: intended.ballotsCast, contests: intended.contests, stations: units };
}

/** Every contest of every style once, for the election-wide popularity of each choice. */
function unionManifest(stations: readonly SimulatedStation[]): BallotManifest {
  const contests = new Map<string, BallotManifest['contests'][number]>();
  for (const s of stations) for (const c of s.manifest.contests) contests.set(c.contestId, c);
  return { contests: [...contests.values()] };
}

/** What the voters of every station mean, and the counts they add up to. */
export function intendedResults(
  seed: string,
  stations: readonly SimulatedStation[],
): { plans: Map<string, VoterIntent[]>; intended: ResultsView } {
  const mood = electionMood(seed, unionManifest(stations));
  const plans = new Map<string, VoterIntent[]>();
  const overall = emptyCounts(stations.map((s) => s.manifest));
  const perStation: Record<string, PlainCounts> = {};
  for (const station of [...stations].sort((a, b) => (a.stationId < b.stationId ? -1 : 1))) {
    const voters = planVoters({
      seed,
      stationId: station.stationId,
      voterIds: station.voterIds,
      manifest: station.manifest,
      mood,
    });
    plans.set(station.stationId, voters);
    const counts = emptyCounts([station.manifest]);
    for (const voter of voters) countBallot(counts, station.manifest, voter.marks);
    perStation[station.stationId] = counts;
    addCounts(overall, counts);
  }
  return { plans, intended: { ...overall, stations: perStation } };
}

type StationRig = {
  readonly station: SimulatedStation;
  readonly pairs: readonly PtyPair[];
  readonly printer: PrinterSimulator;
  readonly cardReader: CardReaderSimulator;
  /** One proxy per validator: this station's network link to it. */
  readonly proxies: Map<string, LoopbackProxy>;
  readonly kiosk: StationProcess;
  readonly driver: StationDriver;
};

export async function runSimulation(options: SimulateOptions): Promise<SimulationSummary> {
  checkShape(options);
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (name: string) => {
    const now = Date.now();
    timings[name] = seconds(now - mark);
    mark = now;
  };
  const workDir = options.workDir ?? mkdtempSync(path.join(tmpdir(), 'urna-simulate-'));
  const ptyDir = PtyPair.tempDir();
  /** Every process of every validator; groups[i] are validator i's processes, all on its one store. */
  const validators: ValidatorProcess[] = [];
  const groups: ValidatorProcess[][] = [];
  let cluster: PostgresCluster | undefined;
  const rigs: StationRig[] = [];
  let succeeded = false;
  // Interrupted (Ctrl-C, a supervisor's SIGTERM): the processes this run started go with it.
  const interrupted = (signal: NodeJS.Signals) => {
    progress(`simulate: ${signal}: stopping stations, devices and validators`);
    void Promise.allSettled([
      ...rigs.map((r) => r.kiosk.kill()),
      ...rigs.map((r) => teardownDevices(r)),
      ...validators.map((v) => v.kill()),
    ]).then(() => {
      PtyPair.removeDir(ptyDir);
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    progress(`simulate: preparing the election in ${workDir}`);
    const election = await prepareElection(workDir, options);
    progress(
      `simulate: key ceremony held by ${election.guardians.length} guardian processes (threshold ${election.definition.guardians.threshold}), ` +
        `each with its own state folder under ${path.join(workDir, 'guardian-machines')}; these keys prove nothing, and go with the working folder after a successful run unless --work or --keep-work keeps it`,
    );
    const { plans, intended } = intendedResults(options.seed, election.stations);
    lap('setup');

    if (options.validatorStore === 'postgres') {
      cluster = await startPostgres({ durable: true });
      for (const [i, v] of election.validators.entries()) await useDatabase(cluster, v.configFile, i);
      lap('postgres');
      progress(`simulate: PostgreSQL on port ${cluster.port}, one database per validator (urna validator migrate)`);
    }
    const perValidator = options.validatorProcesses ?? 1;
    for (const v of election.validators) {
      const group = Array.from({ length: perValidator }, () => new ValidatorProcess(v.configFile));
      groups.push(group);
      validators.push(...group);
    }
    const validatorUrls = await Promise.all(validators.map((v) => v.start()));
    lap('validatorsStart');
    progress(
      `simulate: ${groups.length} validators of ${perValidator} process(es) each listening (${validatorUrls.join(', ')})`,
    );

    const total = election.stations.reduce((n, s) => n + s.voterIds.length, 0);
    const day = new DayProgress(total, progress);
    for (const [k, station] of election.stations.entries())
      rigs.push(
        await rigStation(
          election,
          station,
          groups.map((g) => g[k % g.length] as ValidatorProcess),
          ptyDir,
          options,
          day.stationEvents,
        ),
      );
    // A few at a time: each kiosk process compiles its sources on start, and there are two cores.
    for (let i = 0; i < rigs.length; i += 4) await Promise.all(rigs.slice(i, i + 4).map((r) => r.kiosk.start()));
    await Promise.all(rigs.map((r) => r.driver.openPolls()));
    lap('stationsOpen');
    progress(
      `simulate: ${rigs.length} stations open, ${options.stationVoters === undefined ? `${options.voters} voters each` : `${options.stationVoters.join(', ')} voters`}`,
    );

    let votingDone = false;
    day.startVoting();
    const ticker = setInterval(() => day.tick(), 10_000);
    const faultCounts = { validatorRestarts: 0, networkCuts: 0 };
    const faultLoops = options.faults
      ? [
          validatorFaults(options.seed, groups, rigs, () => votingDone, faultCounts, progress),
          networkFaults(options.seed, rigs, () => votingDone, faultCounts, progress),
        ]
      : [];
    try {
      await Promise.all(
        rigs.map((r) => r.driver.runVoters(plans.get(r.station.stationId) ?? [], () => day.ballotCast())),
      );
    } finally {
      votingDone = true;
      clearInterval(ticker);
      await Promise.allSettled(faultLoops);
    }
    await Promise.all(faultLoops);
    lap('voting');
    timings['ballotsPerSecond'] = Math.round((total / Math.max(timings['voting'] ?? 1, 0.01)) * 10) / 10;

    await Promise.all(rigs.map((r) => r.driver.closePolls()));
    progress('simulate: polls closed; waiting until every validator has cosigned both logs of every station');
    await waitForCosignatures(
      rigs,
      election.validators.map((v) => v.name),
      progress,
    );
    lap('closeAndSync');
    for (const rig of rigs) await rig.kiosk.close();
    await Promise.all(rigs.map((r) => teardownDevices(r)));

    const out = path.resolve(options.out);
    const exported = await runUrna([
      'record',
      'export',
      '--out',
      out,
      '--election',
      election.packageFile,
      '--guardians',
      election.ceremonyDir,
      '--enrollments',
      election.enrollmentsDir,
      '--station-manifest',
      election.stationManifestFile,
      '--from',
      ...groups.map((g) => g[0]?.url ?? ''),
    ]);
    if (exported !== 0) throw new CliError('urna record export failed');
    lap('export');
    await Promise.all(validators.map((v) => v.stop()));

    const decrypting = chooseGuardians(options.seed, election);
    const threads = options.threads === undefined ? [] : ['--threads', String(options.threads)];
    const shares: string[] = [];
    for (const guardian of decrypting) {
      const share = path.join(workDir, 'shares', `${guardian.id}.json`);
      await guardianTallyShare(guardian, out, share, threads);
      shares.push(share);
    }
    lap('tallyShares');
    const combined = await runUrna(['tally', 'combine', '--record', out, ...threads, ...shares]);
    if (combined !== 0) throw new CliError('urna tally combine failed');
    lap('combine');
    const report = path.join(workDir, 'verify-report.json');
    const verifiedCode = await runUrna([
      'verify',
      out,
      '--quiet',
      '--stage',
      'tallied',
      '--report',
      report,
      ...threads,
    ]);
    lap('verify');
    timings['total'] = seconds(Date.now() - started);

    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ElectionResults;
    const decrypted = viewOfResults(results);
    const intendedView = intendedAtUnits(intended, results);
    const difference = firstDifference(intendedView, decrypted);
    const events = rigs.reduce((sum, r) => {
      for (const [key, value] of Object.entries(r.driver.stats)) sum[key as keyof StationDayStats] += value;
      return sum;
    }, emptyDayStats());
    succeeded = difference === undefined && verifiedCode === 0;
    return {
      seed: options.seed,
      shape: {
        stations: options.stations,
        voters: options.voters,
        validators: options.validators,
        cosign: options.cosign,
        guardians: options.guardians,
        threshold: options.threshold,
        ...(options.stationVoters === undefined ? {} : { stationVoters: options.stationVoters }),
      },
      faults: options.faults,
      validatorStore: options.validatorStore ?? 'sqlite',
      validatorProcesses: options.validatorProcesses ?? 1,
      intended: intendedView,
      decrypted,
      match: difference === undefined,
      ...(difference === undefined ? {} : { difference }),
      verified: verifiedCode === 0,
      record: out,
      guardiansDecrypting: decrypting.map((g) => g.id),
      events: { ...events, ...faultCounts },
      timings: { unit: 'seconds', ...timings },
      workDir: succeeded && options.keepWork !== true ? null : workDir,
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    for (const rig of rigs) await rig.kiosk.kill();
    await Promise.allSettled(rigs.map((r) => teardownDevices(r)));
    await Promise.allSettled(validators.map((v) => v.stop()));
    await cluster?.stop();
    PtyPair.removeDir(ptyDir);
    if (succeeded && options.keepWork !== true && options.workDir === undefined)
      rmSync(workDir, { recursive: true, force: true });
    else progress(`simulate: working files kept in ${workDir}`);
  }
}

async function rigStation(
  election: SimulatedElection,
  station: SimulatedStation,
  validators: readonly ValidatorProcess[],
  ptyDir: string,
  options: SimulateOptions,
  events: EventLogger,
): Promise<StationRig> {
  const printerPair = new PtyPair(ptyDir, `${station.stationId}-printer`);
  const readerPair = new PtyPair(ptyDir, `${station.stationId}-reader`);
  await Promise.all([printerPair.open(), readerPair.open()]);
  const printer = new PrinterSimulator({ path: printerPair.devicePath });
  const cardReader = new CardReaderSimulator({ path: readerPair.devicePath });
  await Promise.all([printer.start(), cardReader.start()]);
  const workerCard = election.cards.cards.get(station.workerCard);
  if (workerCard === undefined) throw new Error(`invariant failed: no card ${station.workerCard}`);
  cardReader.insert(workerCard);
  const proxies = new Map<string, LoopbackProxy>();
  const urls: Record<string, string> = {};
  for (const [i, v] of election.validators.entries()) {
    const proxy = new LoopbackProxy(Number(new URL(validators[i]?.url ?? '').port));
    urls[v.name] = await proxy.start();
    proxies.set(v.name, proxy);
  }
  const kiosk = new StationProcess(station.stationId, {
    dataDir: station.dataDir,
    printerPath: printerPair.hostPath,
    cardReaderPath: readerPair.hostPath,
    cardIssuerKeyHex: toHex(election.cardIssuerPublicKey),
    validatorUrls: urls,
    syncPollMs: 250,
    syncBatching: SIMULATE_SYNC_BATCHING,
  });
  const faults = options.faults ? planStationFaults(options.seed, station.stationId, options.voters) : NO_FAULTS;
  const driver = new StationDriver(station, kiosk, { printer, cardReader, workerCard }, faults, events);
  return { station, pairs: [printerPair, readerPair], printer, cardReader, proxies, kiosk, driver };
}

async function teardownDevices(rig: StationRig): Promise<void> {
  await Promise.allSettled([
    rig.printer.stop(),
    rig.cardReader.stop(),
    ...[...rig.proxies.values()].map((p) => p.close()),
  ]);
  await Promise.allSettled(rig.pairs.map((p) => p.kill()));
}

/** K of the G guardians, chosen by the seed: any K must do. */
function chooseGuardians(seed: string, election: SimulatedElection): SimulatedElection['guardians'] {
  const stream = new SeededStream(seed, 'guardians');
  const pool = [...election.guardians];
  const chosen: SimulatedElection['guardians'][number][] = [];
  const k = election.definition.guardians.threshold;
  while (chosen.length < k && pool.length > 0) chosen.push(...pool.splice(stream.below(pool.length), 1));
  return chosen.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Until every validator reports both logs of every station cosigned at their final size. */
async function waitForCosignatures(
  rigs: readonly StationRig[],
  validatorNames: readonly string[],
  progress: (line: string) => void,
): Promise<void> {
  const pending = new Set(rigs);
  const deadline = Date.now() + 30 * 60_000;
  let nextReport = Date.now() + 30_000;
  while (pending.size > 0) {
    if (Date.now() > deadline)
      throw new CliError(
        `stations ${[...pending].map((r) => r.station.stationId).join(', ')} were not cosigned by every validator within 30 minutes`,
      );
    for (const rig of [...pending]) {
      const sizes = await rig.kiosk.request<{ ballots: number; pollbook: number }>({ op: 'ledger-sizes' });
      const result = await rig.kiosk.call<StationStatus>('getStationStatus');
      if (!result.ok) continue;
      const sync = result.value.sync;
      if (!sync.configured) throw new Error(`invariant failed: ${rig.station.stationId} has no sync`);
      const done = validatorNames.every((name) => {
        const v = sync.validators.find((s) => s.name === name);
        return v !== undefined && v.cosigned.ballots === sizes.ballots && v.cosigned.pollbook === sizes.pollbook;
      });
      if (done) pending.delete(rig);
      else if (Date.now() > nextReport) {
        const views = sync.validators.map(
          (v) =>
            `${v.name} ${v.state} cosigned ${v.cosigned.ballots}/${sizes.ballots} ballots, ${v.cosigned.pollbook}/${sizes.pollbook} poll book`,
        );
        progress(`simulate: ${rig.station.stationId} still waiting: ${views.join('; ')}`);
      }
    }
    if (Date.now() > nextReport) nextReport = Date.now() + 30_000;
    if (pending.size > 0) await sleep(250);
  }
}

/**
 * Points a validator's config at a new database of `cluster` (the connection string in
 * an environment variable the validator processes inherit) and creates its schema
 * with `urna validator migrate`.
 */
async function useDatabase(cluster: PostgresCluster, configFile: string, index: number): Promise<void> {
  const env = `URNA_SIMULATE_VALIDATOR_DB_${index + 1}`;
  process.env[env] = await cluster.createDatabase(`validator_${index + 1}`);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    configFile,
    `${JSON.stringify({ ...config, store: 'postgres', postgres: { urlEnv: env } }, null, 2)}\n`,
  );
  if ((await runUrna(['validator', 'migrate', '--config', configFile])) !== 0)
    throw new CliError(`urna validator migrate failed for ${configFile}`);
}

/**
 * Validator processes stopped (SIGTERM or SIGKILL) and restarted on a new port, one
 * at a time, while the polls are open; the stations that reached that process are
 * pointed at its new port.
 */
async function validatorFaults(
  seed: string,
  groups: readonly (readonly ValidatorProcess[])[],
  rigs: readonly StationRig[],
  votingDone: () => boolean,
  counts: { validatorRestarts: number },
  progress: (line: string) => void,
): Promise<void> {
  const stream = new SeededStream(seed, 'faults/validators');
  let first = true;
  while (first || !votingDone()) {
    first = false;
    await sleep(500 + stream.below(2500));
    const index = stream.below(groups.length);
    const group = groups[index] ?? [];
    const member = group.length === 1 ? 0 : stream.below(group.length);
    const validator = group[member];
    if (validator === undefined) continue;
    const name = `validator-${index + 1}`;
    const hard = stream.chance(0.5);
    progress(
      `simulate: fault: ${name}${group.length === 1 ? '' : ` process ${member + 1}`} ${hard ? 'killed' : 'stopped'}`,
    );
    if (hard) await validator.kill();
    else await validator.stop();
    await sleep(500 + stream.below(2500));
    const url = await validator.start();
    for (const [k, rig] of rigs.entries())
      if (k % group.length === member) rig.proxies.get(name)?.retarget(Number(new URL(url).port));
    counts.validatorRestarts += 1;
  }
}

/** A station's network cable pulled for a while (every validator unreachable), then plugged back in. */
async function networkFaults(
  seed: string,
  rigs: readonly StationRig[],
  votingDone: () => boolean,
  counts: { networkCuts: number },
  progress: (line: string) => void,
): Promise<void> {
  const stream = new SeededStream(seed, 'faults/network');
  let first = true;
  while (first || !votingDone()) {
    first = false;
    await sleep(300 + stream.below(2000));
    const rig = rigs[stream.below(rigs.length)];
    if (rig === undefined) continue;
    progress(`simulate: fault: network of ${rig.station.stationId} cut`);
    for (const proxy of rig.proxies.values()) proxy.cutNetwork();
    await sleep(500 + stream.below(3000));
    for (const proxy of rig.proxies.values()) proxy.restoreNetwork();
    counts.networkCuts += 1;
  }
}
