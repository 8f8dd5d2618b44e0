/**
 * docs/SPEC.md §12.2: every intermediate value of one ballot's encryption and proofs
 * (transcript bytes, 64-byte challenge hashes, nonces, commitments, challenges,
 * responses, confirmation codes), so that an independent implementer can debug theirs
 * step by step. The values are computed here by hand from the text of SPEC §3 (field
 * framing, domain tags, the big-endian 512-bit reduction, the proof equations) with
 * only SHA-256 and the ristretto255 group, then checked against the project's code
 * (selectionNonce, encrypt, encryptBallotWithNonce, verifyBallots, confirmationSeed,
 * nextConfirmationCode) and against the committed test/vectors/intermediate-values.json
 * (URNA_UPDATE_VECTORS=1 rewrites it).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  confirmationSeed,
  createElectionContext,
  deterministicRandom,
  encrypt,
  encryptBallotWithNonce,
  encryptedBallotToRecord,
  GroupElement,
  nextConfirmationCode,
  randomScalar,
  selectionNonce,
  verifyBallots,
  type BallotBinding,
  type BallotId,
  type BallotManifest,
} from '../../../core/ballot';
import { concatBytes, fromHex, toBase64Url, toHex, utf8Encode, type Bytes } from '../../../core/encoding/bytes';
import { canonicalize } from '../../../core/encoding/canonical-json';
import type { ContestId, SelectionId, StationId } from '../../../core/ids';
import { committedVector, VECTORS_DIR } from '../../support/spec-vectors';

const FILE = path.join(VECTORS_DIR, 'intermediate-values.json');

// ---------------------------------------------------------------- SPEC §1 and §3.1, by hand

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
type Point = InstanceType<typeof ristretto255.Point>;
const G: Point = ristretto255.Point.BASE;
const mod = (x: bigint): bigint => ((x % L) + L) % L;
const mul = (p: Point, k: bigint): Point => (mod(k) === 0n ? ristretto255.Point.ZERO : p.multiply(mod(k)));
const b64u = (p: Point): string => toBase64Url(p.toBytes());

/** 32 bytes little-endian (SPEC §1.3). */
function scalarBytes(s: bigint): Bytes {
  const out = new Uint8Array(32);
  let x = mod(s);
  for (let i = 0; i < 32; i++, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}
const scalar = (s: bigint): string => toBase64Url(scalarBytes(s));

const concat = concatBytes;
const sha256 = (...parts: readonly Bytes[]): Bytes =>
  new Uint8Array(
    createHash('sha256')
      .update(concat(...parts))
      .digest(),
  );

/** field(x) = 4-byte big-endian length ‖ x. */
function field(x: Bytes): Bytes {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, x.length);
  return concat(length, x);
}
const str = (s: string): Bytes => field(utf8Encode(s));
const raw = (b: Bytes): Bytes => field(b);
const u32 = (n: number): Bytes => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return field(b);
};
const elem = (p: Point): Bytes => field(p.toBytes());

/** H = SHA-256(0x00 ‖ T) ‖ SHA-256(0x01 ‖ T); c = int_BE(H) mod L. */
function challenge(T: Bytes): { readonly hash: Bytes; readonly c: bigint } {
  const hash = concat(sha256(Uint8Array.of(0), T), sha256(Uint8Array.of(1), T));
  return { hash, c: mod(BigInt(`0x${toHex(hash)}`)) };
}

// ---------------------------------------------------------------- the inputs

const EXTENDED_BASE_HASH = Uint8Array.from({ length: 32 }, (_, i) => i);
const JOINT_SECRET = 1234567891011121314151617181920n;
const K = mul(G, JOINT_SECRET);
const STATION = 'st-1';
const STYLE = 'style-a';
const BALLOT = 'B1';
const CONTEST = { contestId: 'c1', limit: 1, selections: ['s1', 's2'] } as const;
const CHOICES: Record<string, readonly string[]> = { c1: ['s1'] };
const MASTER_NONCE = new Uint8Array(32).fill(7);
const PROOF_RANDOM_SEED = 'urna-intermediate-values-v1';
const TAG = 'urna/ballot/v2';

const bound = (tag: string): Bytes => concat(str(tag), raw(EXTENDED_BASE_HASH), str(STATION), str(STYLE));

type Branch = { a: Point; b: Point; c: bigint; z: bigint };

/**
 * A range proof of SPEC §3.5 for value v in [0, m] with nonce r, the prover's random
 * scalars drawn as the code draws them (u first, then c_j and t_j for each j ≠ v).
 */
function rangeProof(Tpre: Bytes, alpha: Point, beta: Point, v: number, m: number, r: bigint, draw: () => bigint) {
  const u = draw();
  const simulated = new Map<number, { c: bigint; t: bigint }>();
  for (let j = 0; j <= m; j++) if (j !== v) simulated.set(j, { c: draw(), t: draw() });
  const commitments = Array.from({ length: m + 1 }, (_, j) => {
    const sim = simulated.get(j);
    return sim === undefined
      ? { a: mul(G, u), b: mul(K, u) }
      : { a: mul(G, sim.t), b: mul(K, sim.t).add(mul(G, sim.c * BigInt(j - v))) };
  });
  const T = concat(Tpre, u32(m), ...commitments.flatMap(({ a, b }) => [elem(a), elem(b)]));
  const { hash, c } = challenge(T);
  const realC = mod(c - [...simulated.values()].reduce((sum, s) => sum + s.c, 0n));
  const branches: Branch[] = commitments.map(({ a, b }, j) => {
    const sim = simulated.get(j);
    return sim === undefined
      ? { a, b, c: realC, z: mod(u + realC * r) }
      : { a, b, c: sim.c, z: mod(sim.t + sim.c * r) };
  });
  // The verification equations of SPEC §3.5, step 3, and the challenge sum of step 2.
  for (const [j, br] of branches.entries()) {
    expect(mul(G, br.z).equals(br.a.add(mul(alpha, br.c))), `z_${j}·G = a_${j} + c_${j}·α`).toBe(true);
    expect(
      mul(K, br.z).equals(br.b.add(mul(beta.subtract(mul(G, BigInt(j))), br.c))),
      `z_${j}·K = b_${j} + c_${j}·(β − ${j}·G)`,
    ).toBe(true);
  }
  expect(mod(branches.reduce((sum, br) => sum + br.c, 0n))).toBe(c);
  return {
    random: {
      u: scalar(u),
      simulated: [...simulated].map(([j, s]) => ({ branch: j, c: scalar(s.c), t: scalar(s.t) })),
    },
    commitments: commitments.map(({ a, b }) => ({ a: b64u(a), b: b64u(b) })),
    transcriptHex: toHex(T),
    challengeHashHex: toHex(hash),
    challenge: scalar(c),
    branches: branches.map((br) => ({ a: b64u(br.a), b: b64u(br.b), c: scalar(br.c), z: scalar(br.z) })),
  };
}

/** Every intermediate value, from SPEC §3 alone. */
function byHand() {
  const random = deterministicRandom(PROOF_RANDOM_SEED);
  const draw = () => randomScalar(random);
  const selections = CONTEST.selections.map((selectionId) => {
    const v = (CHOICES[CONTEST.contestId] ?? []).includes(selectionId) ? 1 : 0;
    const nonceT = concat(
      bound(`${TAG}/selection-nonce`),
      str(BALLOT),
      str(CONTEST.contestId),
      str(selectionId),
      raw(MASTER_NONCE),
      u32(0),
    );
    const nonce = challenge(nonceT);
    expect(nonce.c).not.toBe(0n);
    const r = nonce.c;
    const alpha = mul(G, r);
    const beta = mul(G, BigInt(v)).add(mul(K, r));
    // The code proves each selection in turn, then the contest, drawing from one random stream.
    const Tpre = concat(
      bound(`${TAG}/selection-proof`),
      elem(K),
      str(BALLOT),
      str(CONTEST.contestId),
      str(selectionId),
      elem(alpha),
      elem(beta),
    );
    return { selectionId, v, r, alpha, beta, nonceT, nonce, proof: rangeProof(Tpre, alpha, beta, v, 1, r, draw) };
  });
  const sumAlpha = selections.reduce((p, s) => p.add(s.alpha), ristretto255.Point.ZERO);
  const sumBeta = selections.reduce((p, s) => p.add(s.beta), ristretto255.Point.ZERO);
  const sumNonce = mod(selections.reduce((n, s) => n + s.r, 0n));
  const sumValue = selections.reduce((n, s) => n + s.v, 0);
  const contestTpre = concat(
    bound(`${TAG}/contest-proof`),
    elem(K),
    str(BALLOT),
    str(CONTEST.contestId),
    u32(CONTEST.limit),
    u32(selections.length),
    ...selections.flatMap((s) => [str(s.selectionId), elem(s.alpha), elem(s.beta)]),
  );
  const contestProof = rangeProof(contestTpre, sumAlpha, sumBeta, sumValue, CONTEST.limit, sumNonce, draw);

  const record = {
    type: 'encrypted-ballot',
    v: 1,
    ballotId: BALLOT,
    contests: [
      {
        contestId: CONTEST.contestId,
        selections: selections.map((s) => ({
          selectionId: s.selectionId,
          alpha: b64u(s.alpha),
          beta: b64u(s.beta),
          proof: s.proof.branches,
        })),
        proof: contestProof.branches,
      },
    ],
  };
  // SPEC §3.10.
  const seedJson = canonicalize({
    domain: 'urna/confirmation-seed/v1',
    extendedBaseHash: toBase64Url(EXTENDED_BASE_HASH),
    stationId: STATION,
  });
  const seed = sha256(utf8Encode(seedJson));
  const codeJson = canonicalize({
    domain: 'urna/confirmation-code/v1',
    previous: toBase64Url(seed),
    ballot: {
      ballotId: BALLOT,
      contests: [
        {
          contestId: CONTEST.contestId,
          selections: selections.map((s) => ({ selectionId: s.selectionId, alpha: b64u(s.alpha), beta: b64u(s.beta) })),
        },
      ],
    },
  });
  const code = sha256(utf8Encode(codeJson));

  return {
    description:
      "docs/SPEC.md §12.2: the intermediate values of one ballot encryption and its proofs (SPEC §3). Group elements and scalars in the encoding of the records (unpadded base64url; scalars 32 bytes little-endian); transcripts and challenge hashes in hex. The prover's random scalars (random.u, random.simulated) are given, so that the commitments and responses can be recomputed.",
    inputs: {
      extendedBaseHashHex: toHex(EXTENDED_BASE_HASH),
      jointSecret: scalar(JOINT_SECRET),
      jointKey: b64u(K),
      stationId: STATION,
      ballotStyleId: STYLE,
      ballotId: BALLOT,
      contest: CONTEST,
      choices: CHOICES,
      masterNonceHex: toHex(MASTER_NONCE),
    },
    selections: selections.map((s) => ({
      selectionId: s.selectionId,
      value: s.v,
      nonce: {
        counter: 0,
        transcriptHex: toHex(s.nonceT),
        challengeHashHex: toHex(s.nonce.hash),
        hexBE: s.r.toString(16).padStart(64, '0'),
        scalar: scalar(s.r),
      },
      ciphertext: { alpha: b64u(s.alpha), beta: b64u(s.beta) },
      proof: s.proof,
    })),
    contest: {
      contestId: CONTEST.contestId,
      limit: CONTEST.limit,
      ciphertext: { alpha: b64u(sumAlpha), beta: b64u(sumBeta) },
      nonceSum: scalar(sumNonce),
      valueSum: sumValue,
      proof: contestProof,
    },
    confirmation: {
      seedCanonicalJson: seedJson,
      seed: toBase64Url(seed),
      codeCanonicalJson: codeJson,
      code: toBase64Url(code),
    },
    record,
  };
}

// ---------------------------------------------------------------- against the code and the committed file

describe('intermediate values of one ballot (test/vectors/intermediate-values.json)', () => {
  const values = byHand();
  const context = createElectionContext(EXTENDED_BASE_HASH, GroupElement.of(K));
  const binding: BallotBinding = { stationId: STATION, ballotStyleId: STYLE };
  const manifest: BallotManifest = {
    contests: [
      {
        contestId: CONTEST.contestId as ContestId,
        limit: CONTEST.limit,
        selections: [...CONTEST.selections] as SelectionId[],
      },
    ],
  };
  const ballotId = BALLOT as BallotId;

  it('are the committed file', () => {
    expect(values).toEqual(committedVector(FILE, values));
  });

  it('the selection nonces are the code’s (selectionNonce), and s1’s is the worked value of SPEC §3.3', () => {
    for (const s of values.selections) {
      const nonce = selectionNonce(
        context,
        binding,
        ballotId,
        CONTEST.contestId as ContestId,
        s.selectionId as SelectionId,
        MASTER_NONCE,
      );
      expect(scalarBytes(nonce)).toEqual(scalarBytes(BigInt(`0x${s.nonce.hexBE}`)));
    }
    expect(values.selections[0]?.nonce.hexBE).toBe('08f3a9d2bab52bc88ee11ffea7180f4e535dfe3f18665411d8698e7e3bdee689');
  });

  it('the ciphertexts are the code’s (encrypt)', () => {
    for (const s of values.selections) {
      const ciphertext = encrypt(context, s.value, BigInt(`0x${s.nonce.hexBE}`));
      expect({ alpha: ciphertext.alpha.toBase64Url(), beta: ciphertext.beta.toBase64Url() }).toEqual(s.ciphertext);
    }
  });

  it('the whole encrypted ballot, proofs included, is what the code writes with the same nonce and randomness, and it verifies', () => {
    const encrypted = encryptBallotWithNonce(
      context,
      manifest,
      binding,
      { ballotId, choices: CHOICES as Record<string, SelectionId[]> },
      MASTER_NONCE,
      deterministicRandom(PROOF_RANDOM_SEED),
    );
    if (!encrypted.ok) throw new Error(JSON.stringify(encrypted.error));
    expect(encryptedBallotToRecord(encrypted.value)).toEqual(values.record);
    expect(verifyBallots(context, manifest, binding, [encrypted.value]).ok).toBe(true);
  });

  it('the confirmation codes are the code’s (confirmationSeed, nextConfirmationCode), and the seed is the worked value of SPEC §3.3', () => {
    const seed = confirmationSeed(EXTENDED_BASE_HASH, STATION as StationId);
    expect(toBase64Url(seed)).toBe(values.confirmation.seed);
    expect(toHex(seed)).toBe('cbf069ff6ddb10fbb91bd066e4a9aa947d828b2c0507b8aea3a1dd85e1e371ce');
    const encrypted = encryptBallotWithNonce(
      context,
      manifest,
      binding,
      { ballotId, choices: CHOICES as Record<string, SelectionId[]> },
      MASTER_NONCE,
      deterministicRandom(PROOF_RANDOM_SEED),
    );
    if (!encrypted.ok) throw new Error(JSON.stringify(encrypted.error));
    expect(toBase64Url(nextConfirmationCode(seed, encrypted.value))).toBe(values.confirmation.code);
  });

  it('the transcripts begin with the domain tag as a length-prefixed string field (SPEC §3.1)', () => {
    const tag = 'urna/ballot/v2/selection-proof';
    for (const s of values.selections)
      expect(fromHex(s.proof.transcriptHex.slice(0, 2 * (4 + tag.length)))).toEqual(str(tag));
  });
});
