/**
 * Urna beside Belenios (Debian's `belenios-tool`, the verifiable voting system of
 * Cortier, Gaudry and Glondu) on the same elections: R1 (one yes/no question) and R2
 * (10 questions × 5 answers, at most one each), 3 trustees of whom 2 decrypt. The
 * suite installs nothing: without `belenios-tool` on the PATH it says so and
 * measures nothing (`apt-get install belenios-tool`).
 *
 * Each round builds a fresh election in each system, the two alternating (and the
 * order swapping between rounds); the figure kept is the best round of each. What
 * differs:
 * - Belenios is driven as its command-line tool, one process per ballot or step, so
 *   its per-ballot figures are differences between processes: encryption is the
 *   `generate-ballot` process less a bare process start; one ballot's verification is
 *   (`election verify` with N ballots − with none) ÷ N. Urna's are in-process medians
 *   of the same work (encryptBallot; parseEncryptedBallot + verifyBallot of the JSON).
 * - A Belenios ballot also carries a credential signature (a Schnorr proof), checked
 *   with the ballot; an Urna ballot is instead bound to its station and style and
 *   logged in a station's signed, validator-cosigned Merkle log, checked by `urna verify`.
 * - Belenios' threshold mode adds the server's mandatory trustee key: its tally has
 *   three partial decryptions, Urna's two. The tally figures are whole steps
 *   (encrypted tally, decryptions with proofs, result): Belenios as its processes
 *   less their bare start-ups, Urna in process.
 * - The group: Debian's belenios-tool 2.0 offers only its 2048-bit groups (no
 *   Ed25519), so unless URNA_BENCH_PEERS_GROUP names another group it accepts, the
 *   comparison is Urna's ristretto255 against BELENIOS-2048.
 * Whole-election verification is each tool's own command on its own record, process
 * start-up included.
 *
 * Sizes: URNA_BENCH_PEERS_R1 (default 1000) and URNA_BENCH_PEERS_R2 (default 200)
 * ballots, URNA_BENCH_PEERS_ROUNDS (default 2) rounds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BallotId,
  type BallotManifest,
  createElectionContext,
  decryptTally,
  deterministicRandom,
  type EncryptedBallot,
  encryptBallot,
  encryptedBallotToRecord,
  parseEncryptedBallot,
  partiallyDecrypt,
  runLocalCeremony,
  TallyAccumulator,
  verifyBallot,
} from '../core/ballot';
import type { ContestId, GuardianId, SelectionId } from '../core/ids';
import { median, type BenchSuite, type Measurement } from './harness';
import { reapedChildrenSeconds } from './startup.bench';
import { buildRecord } from './verify.bench';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peers', 'belenios.sh');
const SIZES = {
  r1: Number(process.env['URNA_BENCH_PEERS_R1'] ?? 1000),
  r2: Number(process.env['URNA_BENCH_PEERS_R2'] ?? 200),
} as const;
const ROUNDS = Number(process.env['URNA_BENCH_PEERS_ROUNDS'] ?? 2);
const GROUP = process.env['URNA_BENCH_PEERS_GROUP'] ?? 'BELENIOS-2048';

const MANIFESTS: Record<'r1' | 'r2', BallotManifest> = {
  r1: { contests: [{ contestId: 'question' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] }] },
  r2: {
    contests: Array.from({ length: 10 }, (_, c) => ({
      contestId: `contest-${c}` as ContestId,
      limit: 1,
      selections: Array.from({ length: 5 }, (_, s) => `c${c}-s${s}` as SelectionId),
    })),
  },
};

/** Phase → seconds, from one run of bench/peers/belenios.sh. */
type BeleniosRun = Record<
  | 'process-start'
  | 'encrypt-all'
  | 'verify-empty'
  | 'add-all'
  | 'verify-ballots'
  | 'tally'
  | 'verify-all'
  | 'verify-all-cpu',
  number
>;
type Figures = { encryptMs: number; verifyOneMs: number; verifyAllS: number; verifyAllCpuS: number; tallyS: number };
type BeleniosFigures = Figures & { startMs: number };

export function beleniosAvailable(): boolean {
  const run = spawnSync('belenios-tool', ['--version'], { encoding: 'utf8' });
  return run.status === 0;
}

function runBelenios(kind: 'r1' | 'r2', ballots: number): BeleniosFigures {
  const dir = mkdtempSync(path.join(tmpdir(), `urna-peers-belenios-${kind}-`));
  try {
    const run = spawnSync('bash', [SCRIPT, dir, kind, String(ballots), GROUP], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`belenios run failed (${kind}, ${GROUP}): ${run.stderr.slice(-2000)}`);
    const phases = Object.fromEntries(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const [name, seconds] = line.split(' ');
          return [name, Number(seconds)];
        }),
    ) as BeleniosRun;
    const start = phases['process-start'];
    return {
      encryptMs: (phases['encrypt-all'] / ballots - start) * 1000,
      verifyOneMs: ((phases['verify-ballots'] - phases['verify-empty']) / ballots) * 1000,
      verifyAllS: phases['verify-all'],
      verifyAllCpuS: phases['verify-all-cpu'],
      // compute-encrypted-tally, 3 decryptions, compute-result, and an add-event after each: 10 processes.
      tallyS: phases.tally - 10 * start,
      startMs: start * 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runUrna(kind: 'r1' | 'r2', ballots: number): Promise<Figures> {
  const random = deterministicRandom(`peers-${kind}`);
  const ceremony = runLocalCeremony(
    { baseHash: random(32), guardianIds: ['g-1', 'g-2', 'g-3'] as GuardianId[], threshold: 2 },
    random,
  );
  if (!ceremony.ok) throw new Error('ceremony failed');
  const context = createElectionContext(random(32), ceremony.value.record.jointKey);
  const manifest = MANIFESTS[kind];
  const binding = { stationId: 'station-peers', ballotStyleId: `style-${kind}` };
  const encryptTimes: number[] = [];
  const encrypted: EncryptedBallot[] = [];
  for (let i = 0; i < ballots; i++) {
    const choices = Object.fromEntries(
      manifest.contests.map((c) => [c.contestId, [c.selections[i % c.selections.length] as SelectionId]]),
    );
    const started = performance.now();
    const outcome = encryptBallot(context, manifest, binding, { ballotId: `b-${i}` as BallotId, choices }, random);
    encryptTimes.push(performance.now() - started);
    if (!outcome.ok) throw new Error('encrypt failed');
    encrypted.push(outcome.value.ballot);
  }
  const verifyTimes = encrypted.map((ballot) => {
    const text = JSON.stringify(encryptedBallotToRecord(ballot));
    const started = performance.now();
    const parsed = parseEncryptedBallot(JSON.parse(text));
    if (!parsed.ok || !verifyBallot(context, manifest, binding, parsed.value).ok) throw new Error('verify failed');
    return performance.now() - started;
  });
  const tallyStarted = performance.now();
  const accumulator = new TallyAccumulator(manifest);
  for (const ballot of encrypted) if (!accumulator.add(ballot).ok) throw new Error('tally add failed');
  const tally = accumulator.result();
  const partials = ceremony.value.keyShares.slice(0, 2).map((share) => partiallyDecrypt(context, share, tally, random));
  if (!decryptTally(context, ceremony.value.record, tally, partials).ok) throw new Error('decrypt failed');
  const tallyS = (performance.now() - tallyStarted) / 1000;
  return buildRecord(kind, ballots).then((dir) => {
    try {
      const started = performance.now();
      const cpuBefore = reapedChildrenSeconds() ?? Number.NaN;
      const run = spawnSync(process.execPath, [path.resolve('bin/urna.mjs'), 'verify', dir, '--quiet'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      const verifyAllS = (performance.now() - started) / 1000;
      const verifyAllCpuS = (reapedChildrenSeconds() ?? Number.NaN) - cpuBefore;
      if (run.status !== 0) throw new Error(`urna verify failed: ${run.stderr}`);
      return { encryptMs: median(encryptTimes), verifyOneMs: median(verifyTimes), verifyAllS, verifyAllCpuS, tallyS };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const best = (runs: readonly Figures[], key: keyof Figures): number => Math.min(...runs.map((r) => r[key]));

/**
 * The bar for each workload, as Urna ÷ Belenios: whole-election verification
 * at least 2× faster, every other workload faster.
 */
const TARGET_RATIO: Readonly<Record<keyof Figures, number>> = {
  encryptMs: 1,
  verifyOneMs: 1,
  verifyAllS: 0.5,
  verifyAllCpuS: 0.5,
  tallyS: 1,
};

export const peersSuite: BenchSuite = {
  name: 'peers',
  async run(): Promise<readonly Measurement[]> {
    if (!beleniosAvailable()) {
      process.stdout.write(
        'peers: belenios-tool is not installed (Debian: apt-get install belenios-tool); nothing measured\n',
      );
      return [];
    }
    const out: Measurement[] = [];
    for (const kind of ['r1', 'r2'] as const) {
      const ballots = SIZES[kind];
      const urna: Figures[] = [];
      const belenios: BeleniosFigures[] = [];
      const loads: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        loads.push(loadavg()[0] ?? 0);
        if (round % 2 === 0) {
          urna.push(await runUrna(kind, ballots));
          belenios.push(runBelenios(kind, ballots));
        } else {
          belenios.push(runBelenios(kind, ballots));
          urna.push(await runUrna(kind, ballots));
        }
      }
      const where = `${kind.toUpperCase()} × ${ballots}, Belenios group ${GROUP}, best of ${ROUNDS} alternating rounds, load average ${loads.map((l) => l.toFixed(1)).join(' / ')}`;
      const workloads: [keyof Figures, string, string, string][] = [
        [
          'encryptMs',
          'encrypt',
          'ms/ballot',
          'encrypt + prove one ballot (Belenios: generate-ballot less a bare process start)',
        ],
        [
          'verifyOneMs',
          'verify-one',
          'ms/ballot',
          'verify one ballot from its JSON (Belenios: election verify with N ballots − with none, ÷ N; includes its credential signature)',
        ],
        [
          'verifyAllS',
          'verify-all',
          's',
          "verify the whole election, each tool's own command, process start-up included",
        ],
        [
          'verifyAllCpuS',
          'verify-all-cpu',
          's',
          'CPU time (user + system) of the same whole-election verifications: what an idle machine would show, when other programs share the cores',
        ],
        [
          'tallyS',
          'tally',
          's',
          'encrypted tally, threshold decryption with proofs, result (Belenios: 3 decryptions, processes less their start-up)',
        ],
      ];
      for (const [key, label, unit, note] of workloads) {
        const u = best(urna, key);
        const b = best(belenios, key);
        const bar = TARGET_RATIO[key];
        const target = bar === 1 ? '< Belenios' : `<= ${bar} × Belenios`;
        out.push(
          { name: `peers.${kind}.${label}.urna`, value: u, unit, note: `${note}; ${where}` },
          { name: `peers.${kind}.${label}.belenios`, value: b, unit, note: where },
          {
            name: `peers.${kind}.${label}.urna-per-belenios`,
            value: u / b,
            unit: 'x',
            target: bar === 1 ? '< 1' : `<= ${bar}`,
            meetsTarget: bar === 1 ? u / b < 1 : u / b <= bar,
            note: `Urna ÷ Belenios: below 1, Urna is faster (target: Urna ${target})`,
          },
        );
        if (key === 'verifyAllS')
          out.push({
            name: `peers.${kind}.verify-all.urna.rate`,
            value: ballots / u,
            unit: 'ballots/s',
            note: `the whole \`urna verify\` of ${ballots} ballots as a rate, start-up included: its ratio to the proofs' bound is the share of the command spent checking proofs`,
          });
      }
      if (kind === 'r1')
        out.push({
          name: 'peers.start.belenios',
          value: Math.min(...belenios.map((r) => r.startMs)),
          unit: 'ms',
          note: `a bare belenios-tool process (sha256-b64 of nothing), best of ${ROUNDS} rounds of 5; compare startup.urna-version.median`,
        });
    }
    return out;
  },
};
