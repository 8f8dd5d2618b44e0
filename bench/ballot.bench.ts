/**
 * Ballot cryptography benchmarks for two reference ballots:
 *   R1 — one yes/no question (2 selections, limit 1);
 *   R2 — 10 contests × 5 selections, limit 1 each (50 selections).
 * Everything runs on one core (this process). Seeded randomness keeps runs comparable;
 * the CSPRNG would cost the same.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import {
  type BallotId,
  type BallotManifest,
  createElectionContext,
  decryptTally,
  deterministicRandom,
  DiscreteLog,
  type ElectionContext,
  encrypt,
  type EncryptedBallot,
  encryptBallot,
  encryptedBallotToRecord,
  parseEncryptedBallot,
  partiallyDecrypt,
  randomScalar,
  type RandomSource,
  runLocalCeremony,
  TallyAccumulator,
  verifyBallot,
  verifyBallotProofByProof,
  verifyBallots,
} from '../core/ballot';
import { decodeRistretto, msmIsIdentity, pow22523BigInt, useArithmetic } from '../core/ballot/fast25519';
import { wasmPow22523 } from '../core/ballot/wasm25519';
import type { ContestId, GuardianId, SelectionId } from '../core/ids';
import { type BenchSuite, type Measurement, median } from './harness';

const R1: BallotManifest = {
  contests: [{ contestId: 'question' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] }],
};
const R2: BallotManifest = {
  contests: Array.from({ length: 10 }, (_, c) => ({
    contestId: `contest-${c}` as ContestId,
    limit: 1,
    selections: Array.from({ length: 5 }, (_, s) => `c${c}-s${s}` as SelectionId),
  })),
};

function choicesFor(manifest: BallotManifest, i: number): Record<string, SelectionId[]> {
  const choices: Record<string, SelectionId[]> = {};
  for (const contest of manifest.contests) {
    const pick = (i * 7 + contest.contestId.length) % (contest.selections.length + 1);
    choices[contest.contestId] = pick < contest.selections.length ? [contest.selections[pick] as SelectionId] : [];
  }
  return choices;
}

function time<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

/** Every bench ballot is shown at one station with one style (the binding's cost does not depend on its value). */
const binding = { stationId: 'station-bench', ballotStyleId: 'style-bench' };

function encryptMany(
  context: ElectionContext,
  manifest: BallotManifest,
  count: number,
  random: RandomSource,
): { ballots: EncryptedBallot[]; times: number[] } {
  const ballots: EncryptedBallot[] = [];
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const { value, ms } = time(() =>
      encryptBallot(
        context,
        manifest,
        binding,
        { ballotId: `b-${i}` as BallotId, choices: choicesFor(manifest, i) },
        random,
      ),
    );
    if (!value.ok) throw new Error('encrypt failed');
    ballots.push(value.value.ballot);
    times.push(ms);
  }
  return { ballots, times };
}

/** One ballot checked alone (a batch of one): the targets of the voter's check of a challenged ballot and of a validator push of one ballot. */
const SINGLE_TARGET_MS = { r1: 2, r2: 30 } as const;

function verifyMeasurements(
  label: 'r1' | 'r2',
  context: ElectionContext,
  manifest: BallotManifest,
  ballots: EncryptedBallot[],
  singleCount: number,
  r1: boolean,
): Measurement[] {
  // Medians of one ballot at a time, after a warm-up ballot.
  if (!verifyBallot(context, manifest, binding, ballots[0] as EncryptedBallot).ok) throw new Error('verify failed');
  const aloneTimes = ballots.slice(0, Math.min(ballots.length, singleCount * 4)).map((ballot) => {
    const { value, ms } = time(() => verifyBallot(context, manifest, binding, ballot));
    if (!value.ok) throw new Error('verify failed');
    return ms;
  });
  const aloneMs = median(aloneTimes);
  const single = time(() => {
    for (const ballot of ballots.slice(0, singleCount))
      if (!verifyBallotProofByProof(context, manifest, binding, ballot).ok) throw new Error('verify failed');
  });
  const singleMs = single.ms / singleCount;
  const batched = time(() => {
    if (!verifyBallots(context, manifest, binding, ballots).ok) throw new Error('batch verify failed');
  });
  const batchedMs = batched.ms / ballots.length;
  const records = ballots.map((b) => encryptedBallotToRecord(b));
  const parse = time(() => {
    for (const record of records) if (!parseEncryptedBallot(record).ok) throw new Error('parse failed');
  });
  const parseMs = parse.ms / records.length;
  const ratio = singleMs / batchedMs;
  const perSecond = 1000 / batchedMs;
  const out: Measurement[] = [
    {
      name: `ballot.${label}.verify.alone.median`,
      value: aloneMs,
      unit: 'ms/ballot',
      target: `<= ${SINGLE_TARGET_MS[label]} ms`,
      meetsTarget: aloneMs <= SINGLE_TARGET_MS[label],
      note: `${aloneTimes.length} ballots each checked alone (verifyBallot: one MSM per ballot); compare ballot.msm.wasm.median-us`,
    },
    {
      name: `ballot.${label}.verify.single`,
      value: singleMs,
      unit: 'ms/ballot',
      note: `${singleCount} ballots, proof by proof (verifyBallotProofByProof)`,
    },
    {
      name: `ballot.${label}.verify.batched`,
      value: batchedMs,
      unit: 'ms/ballot',
      note: `${ballots.length} ballots, one MSM per 256`,
    },
    { name: `ballot.${label}.verify.speedup`, value: ratio, unit: 'x', target: '>= 3 x', meetsTarget: ratio >= 3 },
    {
      name: `ballot.${label}.verify.batched.rate`,
      value: perSecond,
      unit: 'ballots/s',
      ...(r1 ? { target: '>= 500 ballots/s', meetsTarget: perSecond >= 500 } : {}),
      note: 'decoded ballots; add the parse cost below for ballots arriving as JSON',
    },
    {
      name: `ballot.${label}.parse`,
      value: parseMs,
      unit: 'ms/ballot',
      note: 'zod + decoding every point and scalar of the record',
    },
    { name: `ballot.${label}.parse+verify.batched.rate`, value: 1000 / (parseMs + batchedMs), unit: 'ballots/s' },
  ];
  return out;
}

function tallyMeasurements(
  context: ElectionContext,
  ceremony: ReturnType<typeof setUp>,
  random: RandomSource,
): Measurement[] {
  const BALLOTS = 100_000;
  // Cheap ballots for the tally: a pool of 64 distinct honest encryptions per value,
  // drawn at random, without proofs (verification is measured above).
  const pool = [0, 1].map((v) => Array.from({ length: 64 }, () => encrypt(context, v, randomScalar(random))));
  const accumulator = new TallyAccumulator(R1);
  let yes = 0;
  const aggregate = time(() => {
    for (let i = 0; i < BALLOTS; i++) {
      const pickYes = (random(1)[0] as number) & 1;
      const j = (random(1)[0] as number) & 63;
      yes += pickYes;
      const ballot: EncryptedBallot = {
        ballotId: 'pooled' as BallotId,
        contests: [
          {
            contestId: 'question' as ContestId,
            selections: [
              { selectionId: 'yes' as SelectionId, ciphertext: pool[pickYes]![j]!, proof: { branches: [] } },
              { selectionId: 'no' as SelectionId, ciphertext: pool[1 - pickYes]![j]!, proof: { branches: [] } },
            ],
            proof: { branches: [] },
          },
        ],
      };
      if (!accumulator.add(ballot).ok) throw new Error('tally add failed');
    }
  });
  const tally = accumulator.result();
  const shares = [ceremony.keyShares[0]!, ceremony.keyShares[2]!];
  const decrypt = time(() => {
    const partials = shares.map((share) => partiallyDecrypt(context, share, tally, random));
    const result = decryptTally(context, ceremony.record, tally, partials, new DiscreteLog());
    if (!result.ok) throw new Error(`decrypt failed: ${JSON.stringify(result.error)}`);
    const counts = result.value.contests[0]!.selections.map((s) => s.count);
    if (counts[0] !== yes || counts[1] !== BALLOTS - yes) throw new Error('tally mismatch');
  });
  const bsgs = time(() => new DiscreteLog().solve(context.jointKey.point.subtract(context.jointKey.point), 10_000_000));
  return [
    {
      name: 'ballot.r1.tally.aggregate.100k',
      value: aggregate.ms,
      unit: 'ms',
      note: '100,000 decoded R1 ballots (pooled encryptions, no proofs)',
    },
    {
      name: 'ballot.r1.tally.decrypt',
      value: decrypt.ms,
      unit: 'ms',
      note: '2 of 3 guardians: partial decryptions with proofs, verification, Lagrange, BSGS (fresh table)',
    },
    { name: 'ballot.r1.tally+decrypt.100k', value: aggregate.ms + decrypt.ms, unit: 'ms' },
    {
      name: 'ballot.dlog.table.10M',
      value: bsgs.ms,
      unit: 'ms',
      note: 'fresh baby-step table for counts up to 10,000,000 (3,163 entries)',
    },
  ];
}

/**
 * Point decoding (µs per point) with bigints, with only its exponentiation x^(2^252 − 3)
 * in WebAssembly, and all in WebAssembly; and the exponentiation alone (µs per call).
 * The variants alternate in the same run; medians of 15 rounds after a warm-up round.
 */
export function decodeMeasurements(random: RandomSource): Measurement[] {
  const points = Array.from({ length: 200 }, () => ristretto255.Point.BASE.multiply(randomScalar(random)).toBytes());
  const inputs = Array.from({ length: 200 }, () => bytesToNumberLE(random(32)));
  const wasmPow = wasmPow22523();
  if (wasmPow === undefined) throw new Error('WebAssembly unavailable');
  const perItemUs = (count: number, work: () => void): number => (time(work).ms * 1000) / count;
  const decodeAll = (): void => {
    for (const bytes of points) if (decodeRistretto(bytes) === undefined) throw new Error('decode failed');
  };
  const decodeWith = (kind: 'bigint' | 'wasm-pow' | 'wasm'): number => {
    if (!useArithmetic(kind)) throw new Error(`${kind} unavailable`);
    return perItemUs(points.length, decodeAll);
  };
  const rounds: Record<'decodeBigint' | 'decodeWasmPow' | 'decodeWasm' | 'powBigint' | 'powWasm', number[]> = {
    decodeBigint: [],
    decodeWasmPow: [],
    decodeWasm: [],
    powBigint: [],
    powWasm: [],
  };
  try {
    for (let round = 0; round < 16; round++) {
      const sample = {
        decodeBigint: decodeWith('bigint'),
        decodeWasmPow: decodeWith('wasm-pow'),
        decodeWasm: decodeWith('wasm'),
        powBigint: perItemUs(inputs.length, () => inputs.forEach(pow22523BigInt)),
        powWasm: perItemUs(inputs.length, () => inputs.forEach(wasmPow)),
      };
      if (round === 0) continue; // warm-up (and the WebAssembly tier-up)
      for (const key of Object.keys(rounds) as (keyof typeof rounds)[]) rounds[key].push(sample[key]);
    }
  } finally {
    useArithmetic('wasm');
  }
  const decodeBigint = median(rounds.decodeBigint);
  const decodeWasm = median(rounds.decodeWasm);
  return [
    {
      name: 'ballot.decode.bigint.median-us',
      value: decodeBigint,
      unit: 'µs/point',
      note: 'ristretto255 decoding with bigints',
    },
    {
      name: 'ballot.decode.wasm-pow.median-us',
      value: median(rounds.decodeWasmPow),
      unit: 'µs/point',
      note: 'x^(2^252−3) in WebAssembly, the rest with bigints',
    },
    {
      name: 'ballot.decode.wasm.median-us',
      value: decodeWasm,
      unit: 'µs/point',
      note: 'all the arithmetic in WebAssembly (the default)',
    },
    { name: 'ballot.decode.speedup', value: decodeBigint / decodeWasm, unit: 'x' },
    { name: 'ballot.pow22523.bigint.median-us', value: median(rounds.powBigint), unit: 'µs/call' },
    {
      name: 'ballot.pow22523.wasm.median-us',
      value: median(rounds.powWasm),
      unit: 'µs/call',
      note: 'including the bigint ↔ memory conversions',
    },
  ];
}

/**
 * The multi-scalar multiplication of batch verification (µs per point) with bigints and
 * in WebAssembly, on 512 points, what a 32-ballot slice of R1 ballots gives (16 points
 * each): decoded points (Z = 1, as parsed ballots have them), three in four with a
 * 128-bit weight and the rest with a full-size scalar, the last one balancing the sum
 * so that both must answer true. The two alternate in the same run (each first in
 * every other round); medians of 15 rounds after three warm-up rounds (the module's
 * functions reach their optimised tier only during the first two or three MSMs).
 */
export function msmMeasurements(random: RandomSource): Measurement[] {
  const L = ristretto255.Point.Fn.ORDER;
  const n = 512;
  const logs = Array.from({ length: n - 1 }, () => randomScalar(random));
  const points = logs.map(
    (r) => decodeRistretto(ristretto255.Point.BASE.multiply(r).toBytes()) ?? ristretto255.Point.ZERO,
  );
  const scalars = logs.map((_, i) => (i % 4 === 3 ? randomScalar(random) : bytesToNumberLE(random(16))));
  const balance = scalars.reduce((acc, k, i) => (acc + k * (logs[i] as bigint)) % L, 0n);
  points.push(ristretto255.Point.BASE);
  scalars.push((L - balance) % L);
  const run = (kind: 'bigint' | 'wasm'): number => {
    if (!useArithmetic(kind)) throw new Error(`${kind} unavailable`);
    const { value, ms } = time(() => msmIsIdentity(points, scalars));
    if (!value) throw new Error(`msm (${kind}) missed the identity`);
    return (ms * 1000) / n;
  };
  const rounds: Record<'bigint' | 'wasm', number[]> = { bigint: [], wasm: [] };
  try {
    for (let round = 0; round < 18; round++) {
      const order = round % 2 === 0 ? (['bigint', 'wasm'] as const) : (['wasm', 'bigint'] as const);
      const sample = { bigint: 0, wasm: 0 };
      for (const kind of order) sample[kind] = run(kind);
      if (round < 3) continue; // warm-up (and the WebAssembly tier-up)
      rounds.bigint.push(sample.bigint);
      rounds.wasm.push(sample.wasm);
    }
  } finally {
    useArithmetic('wasm');
  }
  const bigint = median(rounds.bigint);
  const wasm = median(rounds.wasm);
  return [
    {
      name: 'ballot.msm.bigint.median-us',
      value: bigint,
      unit: 'µs/point',
      note: `msmIsIdentity, ${n} points, bigint point arithmetic`,
    },
    {
      name: 'ballot.msm.wasm.median-us',
      value: wasm,
      unit: 'µs/point',
      note: `${n} points, point arithmetic and bucket loop in WebAssembly (the default)`,
    },
    { name: 'ballot.msm.speedup', value: bigint / wasm, unit: 'x' },
  ];
}

function setUp(random: RandomSource) {
  const outcome = runLocalCeremony(
    { baseHash: random(32), guardianIds: ['g-1', 'g-2', 'g-3'] as GuardianId[], threshold: 2 },
    random,
  );
  if (!outcome.ok) throw new Error('ceremony failed');
  return outcome.value;
}

export const ballotSuite: BenchSuite = {
  name: 'ballot',
  run() {
    const random = deterministicRandom('bench-ballot');
    const ceremony = setUp(random);
    const context = createElectionContext(random(32), ceremony.record.jointKey);
    encryptMany(context, R2, 2, random); // warm the precomputed tables

    const r1 = encryptMany(context, R1, 500, random);
    const r2 = encryptMany(context, R2, 40, random);
    const r2Median = median(r2.times);
    const out: Measurement[] = [
      { name: 'ballot.r1.encrypt+prove.median', value: median(r1.times), unit: 'ms', note: '500 ballots' },
      {
        name: 'ballot.r2.encrypt+prove.median',
        value: r2Median,
        unit: 'ms',
        target: '< 60 ms',
        meetsTarget: r2Median < 60,
        note: '40 ballots',
      },
      ...verifyMeasurements('r1', context, R1, r1.ballots, 50, true),
      ...verifyMeasurements('r2', context, R2, r2.ballots, 8, false),
      ...tallyMeasurements(context, ceremony, random),
      ...decodeMeasurements(random),
      ...msmMeasurements(random),
    ];
    return Promise.resolve(out);
  },
};
