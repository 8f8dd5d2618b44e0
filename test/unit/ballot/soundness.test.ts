import { describe, expect, it } from 'vitest';
import {
  type BallotBinding,
  type BallotId,
  type BallotManifest,
  contestTranscript,
  createElectionContext,
  decryptTally,
  deterministicRandom,
  type ElectionContext,
  encrypt,
  type EncryptedBallot,
  type EncryptedContest,
  type EncryptedSelection,
  encryptBallot,
  GENERATOR,
  GroupElement,
  identityCiphertextIn,
  type PartialDecryption,
  partiallyDecrypt,
  proveRange,
  randomScalar,
  type RandomSource,
  selectionNonce,
  selectionTranscript,
  TallyAccumulator,
  verifyBallot,
  verifyBallotProofByProof,
  verifyBallots,
  verifyPartialDecryption,
} from '../../../core/ballot';
import type { ContestId, SelectionId } from '../../../core/ids';
import { setUpElection } from './helpers';

const manifest: BallotManifest = {
  contests: [
    { contestId: 'mayor' as ContestId, limit: 1, selections: ['alice', 'bob', 'carol'] as SelectionId[] },
    { contestId: 'council' as ContestId, limit: 2, selections: ['dan', 'erin', 'frank'] as SelectionId[] },
    { contestId: 'measure' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] },
  ],
};

const random = deterministicRandom('soundness');
/** Where these ballots are shown: bound into every nonce and proof. */
const binding: BallotBinding = { stationId: 'station-1', ballotStyleId: 'style-1' };
const election = setUpElection(random, 3, 2);
const { context } = election;

function cast(ballotId: string, choices: Record<string, string[]>, ctx: ElectionContext = context): EncryptedBallot {
  const outcome = encryptBallot(
    ctx,
    manifest,
    binding,
    { ballotId: ballotId as BallotId, choices: choices as Record<string, SelectionId[]> },
    random,
  );
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return outcome.value.ballot;
}

/**
 * A dishonest device: encrypts arbitrary values and proves whatever it claims with
 * fresh, correctly bound transcripts, so only the algebra can catch it.
 */
function forge(
  ballotId: string,
  values: number[][],
  claims: { selection?: (ci: number, si: number, v: number) => number; contest?: (ci: number, sum: number) => number },
  rng: RandomSource = random,
  nonceOf: (ci: number, si: number) => bigint | undefined = () => undefined,
): EncryptedBallot {
  const id = ballotId as BallotId;
  return {
    ballotId: id,
    contests: manifest.contests.map((contest, ci) => {
      let nonceSum = 0n;
      let sum = 0;
      const selections: EncryptedSelection[] = contest.selections.map((selectionId, si) => {
        const v = values[ci]?.[si] ?? 0;
        const r = nonceOf(ci, si) ?? randomScalar(rng);
        nonceSum += r;
        sum += v;
        const ciphertext = encrypt(context, v, r);
        const claimed = claims.selection?.(ci, si, v) ?? v;
        const proof = proveRange(
          context,
          selectionTranscript(context, binding, id, contest.contestId, selectionId, ciphertext),
          r,
          claimed,
          1,
          rng,
        );
        return { selectionId, ciphertext, proof };
      });
      const claimedSum = claims.contest?.(ci, sum) ?? sum;
      const proof = proveRange(
        context,
        contestTranscript(context, binding, id, contest.contestId, contest.limit, selections),
        nonceSum,
        claimedSum,
        contest.limit,
        rng,
      );
      return { contestId: contest.contestId, selections, proof };
    }),
  };
}

function replaceSelection(
  ballot: EncryptedBallot,
  ci: number,
  si: number,
  selection: EncryptedSelection,
): EncryptedBallot {
  return {
    ...ballot,
    contests: ballot.contests.map((c, i) =>
      i !== ci ? c : { ...c, selections: c.selections.map((s, j) => (j === si ? selection : s)) },
    ),
  };
}

const selectionAt = (b: EncryptedBallot, ci: number, si: number) =>
  b.contests[ci]?.selections[si] as EncryptedSelection;

describe('a dishonest ballot is rejected, naming the check', () => {
  it('accepts an honest forge-free baseline', () => {
    expect(
      verifyBallot(context, manifest, binding, cast('honest-1', { mayor: ['bob'], council: ['dan', 'frank'] })).ok,
    ).toBe(true);
    expect(
      verifyBallot(
        context,
        manifest,
        binding,
        forge(
          'honest-2',
          [
            [0, 1, 0],
            [1, 1, 0],
            [0, 0],
          ],
          {},
        ),
      ).ok,
    ).toBe(true);
  });

  it('a selection encrypting 2', () => {
    // council allows 2 marks, so only the selection proof can object to a single 2.
    const ballot = forge(
      'two',
      [
        [0, 0, 0],
        [2, 0, 0],
        [0, 0],
      ],
      { selection: (_c, _s, v) => Math.min(v, 1) },
    );
    expect(verifyBallot(context, manifest, binding, ballot)).toEqual({
      ok: false,
      error: { ballotId: 'two', check: 'selection-proof', contestId: 'council', selectionId: 'dan' },
    });
  });

  it('an overvote of individually valid selections', () => {
    const ballot = forge(
      'over',
      [
        [1, 1, 0],
        [0, 0, 0],
        [0, 0],
      ],
      { contest: (_c, sum) => Math.min(sum, 1) },
    );
    expect(verifyBallot(context, manifest, binding, ballot)).toEqual({
      ok: false,
      error: { ballotId: 'over', check: 'contest-proof', contestId: 'mayor' },
    });
    const refused = encryptBallot(
      context,
      manifest,
      binding,
      { ballotId: 'over-2' as BallotId, choices: { mayor: ['alice', 'bob'] as SelectionId[] } },
      random,
    );
    expect(refused).toEqual({ ok: false, error: { problem: 'overvote', contestId: 'mayor', marked: 2, limit: 1 } });
  });

  it('a selection proof copied from another ballot', () => {
    const victim = cast('victim', { mayor: ['alice'] });
    const donor = cast('donor', { mayor: ['alice'] });
    const tampered = replaceSelection(victim, 0, 0, selectionAt(donor, 0, 0));
    expect(verifyBallot(context, manifest, binding, tampered)).toEqual({
      ok: false,
      error: { ballotId: 'victim', check: 'selection-proof-challenge', contestId: 'mayor', selectionId: 'alice' },
    });
    const contestCopied: EncryptedBallot = {
      ...victim,
      contests: [donor.contests[0] as EncryptedContest, ...victim.contests.slice(1)],
    };
    expect(verifyBallot(context, manifest, binding, contestCopied)).toMatchObject({
      ok: false,
      error: { check: 'selection-proof-challenge', contestId: 'mayor' },
    });
  });

  it('a contest copied onto another contest of the same shape', () => {
    const twin: BallotManifest = {
      contests: [
        { contestId: 'a' as ContestId, limit: 1, selections: ['x', 'y'] as SelectionId[] },
        { contestId: 'b' as ContestId, limit: 1, selections: ['x', 'y'] as SelectionId[] },
      ],
    };
    const outcome = encryptBallot(
      context,
      twin,
      binding,
      { ballotId: 'twin' as BallotId, choices: { a: ['x'] as SelectionId[] } },
      random,
    );
    if (!outcome.ok) throw new Error('encrypt');
    const ballot = outcome.value.ballot;
    const moved: EncryptedBallot = {
      ...ballot,
      contests: [
        ballot.contests[0] as EncryptedContest,
        { ...(ballot.contests[0] as EncryptedContest), contestId: 'b' as ContestId },
      ],
    };
    expect(verifyBallot(context, twin, binding, moved)).toEqual({
      ok: false,
      error: { ballotId: 'twin', check: 'selection-proof-challenge', contestId: 'b', selectionId: 'x' },
    });
  });

  it('a ballot copied from another election with the same key', () => {
    const other = createElectionContext(random(32), context.jointKey);
    const ballot = cast('elsewhere', { measure: ['yes'] }, other);
    expect(verifyBallot(other, manifest, binding, ballot).ok).toBe(true);
    expect(verifyBallot(context, manifest, binding, ballot)).toEqual({
      ok: false,
      error: { ballotId: 'elsewhere', check: 'selection-proof-challenge', contestId: 'mayor', selectionId: 'alice' },
    });
  });

  it('a ballot copied to another station, or relabelled with another ballot style', () => {
    const ballot = cast('replayed', { mayor: ['carol'], measure: ['no'] });
    expect(verifyBallot(context, manifest, binding, ballot).ok).toBe(true);
    for (const elsewhere of [
      { ...binding, stationId: 'station-2' },
      { ...binding, ballotStyleId: 'style-2' },
    ]) {
      expect(verifyBallot(context, manifest, elsewhere, ballot)).toEqual({
        ok: false,
        error: { ballotId: 'replayed', check: 'selection-proof-challenge', contestId: 'mayor', selectionId: 'alice' },
      });
    }
    // The batch verifier refuses it too, and the station and style are hashed apart: "station-1"+"2" is not "station-12".
    expect(
      verifyBallots(context, manifest, { stationId: 'station-12', ballotStyleId: 'style-1' }, [ballot], { random }),
    ).toMatchObject({ ok: false });
    expect(
      verifyBallots(context, manifest, { stationId: 'station-1', ballotStyleId: '2style-1' }, [ballot], { random }),
    ).toMatchObject({ ok: false });
  });

  it('a selection encrypted with nonce 0 has the identity as α and shows its vote, though its proofs hold', () => {
    const revealing = forge(
      'revealing',
      [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0],
      ],
      {},
      random,
      (ci, si) => (ci === 0 && si === 1 ? 0n : undefined),
    );
    expect(verifyBallot(context, manifest, binding, revealing).ok).toBe(true);
    const alpha = selectionAt(revealing, 0, 1).ciphertext.alpha;
    expect(alpha.point.equals(GENERATOR.subtract(GENERATOR))).toBe(true);
    expect(selectionAt(revealing, 0, 1).ciphertext.beta.point.equals(GENERATOR)).toBe(true);
    expect(identityCiphertextIn(revealing)).toEqual({ contestId: 'mayor', selectionId: 'bob' });
    expect(identityCiphertextIn(cast('honest-3', { mayor: ['bob'] }))).toBeUndefined();
  });

  it('an honest selection nonce is never zero and depends on the station and the style', () => {
    const master = random(32);
    const at = (b: BallotBinding) =>
      selectionNonce(context, b, 'n-1' as BallotId, 'mayor' as ContestId, 'alice' as SelectionId, master);
    const here = at(binding);
    expect(here).not.toBe(0n);
    expect(at({ ...binding, stationId: 'station-2' })).not.toBe(here);
    expect(at({ ...binding, ballotStyleId: 'style-2' })).not.toBe(here);
  });

  it("two selections' ciphertexts swapped", () => {
    const ballot = cast('swap', { mayor: ['alice'] });
    const a = selectionAt(ballot, 0, 0);
    const b = selectionAt(ballot, 0, 1);
    const swapped = replaceSelection(replaceSelection(ballot, 0, 0, { ...a, ciphertext: b.ciphertext }), 0, 1, {
      ...b,
      ciphertext: a.ciphertext,
    });
    expect(verifyBallot(context, manifest, binding, swapped)).toEqual({
      ok: false,
      error: { ballotId: 'swap', check: 'selection-proof-challenge', contestId: 'mayor', selectionId: 'alice' },
    });
    // Swapping ciphertexts together with their proofs fails too: a proof names its selection.
    const both = replaceSelection(replaceSelection(ballot, 0, 0, { ...b, selectionId: a.selectionId }), 0, 1, {
      ...a,
      selectionId: b.selectionId,
    });
    expect(verifyBallot(context, manifest, binding, both)).toMatchObject({
      ok: false,
      error: { check: 'selection-proof-challenge', selectionId: 'alice' },
    });
  });

  it('a ballot missing a contest or with reordered selections', () => {
    const ballot = cast('shape', {});
    expect(verifyBallot(context, manifest, binding, { ...ballot, contests: ballot.contests.slice(1) })).toMatchObject({
      ok: false,
      error: { check: 'ballot-structure' },
    });
    const reordered = replaceSelection(
      replaceSelection(ballot, 2, 0, selectionAt(ballot, 2, 1)),
      2,
      1,
      selectionAt(ballot, 2, 0),
    );
    expect(verifyBallot(context, manifest, binding, reordered)).toEqual({
      ok: false,
      error: { ballotId: 'shape', check: 'ballot-structure', contestId: 'measure', selectionId: 'yes' },
    });
  });

  it('batch verification finds the bad ballots among good ones', () => {
    const ballots = Array.from({ length: 12 }, (_, i) => cast(`batch-${i}`, { mayor: ['carol'], measure: ['no'] }));
    expect(verifyBallots(context, manifest, binding, ballots, { random }).ok).toBe(true);
    ballots[3] = forge(
      'batch-3',
      [
        [0, 0, 0],
        [2, 0, 0],
        [0, 0],
      ],
      { selection: (_c, _s, v) => Math.min(v, 1) },
    );
    ballots[9] = forge(
      'batch-9',
      [
        [0, 0, 0],
        [0, 0, 0],
        [1, 1],
      ],
      { contest: (_c, sum) => Math.min(sum, 1) },
    );
    const donor = cast('batch-donor', {});
    ballots[7] = replaceSelection(ballots[7] as EncryptedBallot, 1, 2, selectionAt(donor, 1, 2));
    expect(verifyBallots(context, manifest, binding, ballots, { random, chunkSize: 5 })).toEqual({
      ok: false,
      error: [
        { ballotId: 'batch-3', check: 'selection-proof', contestId: 'council', selectionId: 'dan' },
        { ballotId: 'batch-7', check: 'selection-proof-challenge', contestId: 'council', selectionId: 'frank' },
        { ballotId: 'batch-9', check: 'contest-proof', contestId: 'measure' },
      ],
    });
  });
});

/** A branch's response z changed: the challenges still add up, only the algebra fails. */
function withResponse(ballot: EncryptedBallot, ci: number, si: number | 'contest', branch: number): EncryptedBallot {
  const bump = <T extends { branches: readonly { z: bigint }[] }>(proof: T): T => ({
    ...proof,
    branches: proof.branches.map((b, j) => (j === branch ? { ...b, z: b.z + 1n } : b)),
  });
  return {
    ...ballot,
    contests: ballot.contests.map((c, i) => {
      if (i !== ci) return c;
      if (si === 'contest') return { ...c, proof: bump(c.proof) };
      return { ...c, selections: c.selections.map((s, j) => (j === si ? { ...s, proof: bump(s.proof) } : s)) };
    }),
  };
}

describe('one ballot alone is checked as a batch of one, and refuses what the batch refuses', () => {
  it('names the same failure as the batched path and the proof-by-proof reference, for every tampering', () => {
    const honest = cast('alone', { mayor: ['bob'], council: ['erin'] });
    const donor = cast('alone-donor', { mayor: ['bob'], council: ['erin'] });
    const a = selectionAt(honest, 0, 0);
    const b = selectionAt(honest, 0, 1);
    const tampered: EncryptedBallot[] = [
      forge(
        'alone-two',
        [
          [0, 0, 0],
          [2, 0, 0],
          [0, 0],
        ],
        { selection: (_c, _s, v) => Math.min(v, 1) },
      ),
      forge(
        'alone-over',
        [
          [1, 1, 0],
          [0, 0, 0],
          [0, 0],
        ],
        { contest: (_c, sum) => Math.min(sum, 1) },
      ),
      forge(
        'alone-over-measure',
        [
          [0, 0, 0],
          [0, 0, 0],
          [1, 1],
        ],
        { contest: (_c, sum) => Math.min(sum, 1) },
      ),
      replaceSelection(honest, 1, 2, selectionAt(donor, 1, 2)),
      { ...honest, contests: [donor.contests[0] as EncryptedContest, ...honest.contests.slice(1)] },
      replaceSelection(replaceSelection(honest, 0, 0, { ...a, ciphertext: b.ciphertext }), 0, 1, {
        ...b,
        ciphertext: a.ciphertext,
      }),
      replaceSelection(replaceSelection(honest, 2, 0, selectionAt(honest, 2, 1)), 2, 1, selectionAt(honest, 2, 0)),
      { ...honest, contests: honest.contests.slice(1) },
      withResponse(honest, 1, 1, 0),
      withResponse(honest, 1, 2, 1),
      withResponse(honest, 0, 'contest', 1),
      withResponse(honest, 2, 'contest', 0),
      cast('alone-elsewhere', { measure: ['yes'] }, createElectionContext(random(32), context.jointKey)),
    ];
    const good = [cast('alone-good-1', { mayor: ['alice'] }), cast('alone-good-2', { council: ['dan', 'frank'] })];
    expect(verifyBallot(context, manifest, binding, honest).ok).toBe(true);
    for (const ballot of tampered) {
      const single = verifyBallot(context, manifest, binding, ballot, { random });
      expect(single.ok).toBe(false);
      expect(single).toEqual(verifyBallotProofByProof(context, manifest, binding, ballot));
      const batched = verifyBallots(
        context,
        manifest,
        binding,
        [good[0] as EncryptedBallot, ballot, good[1] as EncryptedBallot],
        { random },
      );
      expect(batched).toEqual({ ok: false, error: [(single as { error: unknown }).error] });
    }
    // The algebraic tamperings are named down to the selection or the contest.
    expect(verifyBallot(context, manifest, binding, withResponse(honest, 1, 2, 1))).toEqual({
      ok: false,
      error: { ballotId: 'alone', check: 'selection-proof', contestId: 'council', selectionId: 'frank' },
    });
    expect(verifyBallot(context, manifest, binding, withResponse(honest, 2, 'contest', 0))).toEqual({
      ok: false,
      error: { ballotId: 'alone', check: 'contest-proof', contestId: 'measure' },
    });
  });
});

describe('a dishonest decryption is rejected, naming the check', () => {
  const accumulator = new TallyAccumulator(manifest);
  expect(accumulator.add(cast('t1', { mayor: ['alice'], council: ['erin'] }))).toMatchObject({ ok: true });
  expect(accumulator.add(cast('t2', { mayor: ['alice'], measure: ['yes'] }))).toMatchObject({ ok: true });
  const tally = accumulator.result();
  const [g1, g2, g3] = election.keyShares;
  if (!g1 || !g2 || !g3) throw new Error('three guardians expected');

  it('decrypts with any two of three', () => {
    for (const pair of [
      [g1, g2],
      [g1, g3],
      [g2, g3],
    ]) {
      const result = decryptTally(
        context,
        election.ceremony,
        tally,
        pair.map((g) => partiallyDecrypt(context, g, tally, random)),
      );
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      expect(result.value.contests.map((c) => c.selections.map((s) => s.count))).toEqual([
        [2, 0, 0],
        [0, 1, 0],
        [1, 0],
      ]);
    }
  });

  it('a tampered partial decryption', () => {
    const honest = partiallyDecrypt(context, g2, tally, random);
    const shares = honest.shares.map((s, i) =>
      i === 4 ? { ...s, share: GroupElement.of(s.share.point.add(GENERATOR)) } : s,
    );
    const tampered: PartialDecryption = { ...honest, shares };
    const failure = {
      ok: false,
      error: { check: 'partial-decryption-proof', guardianId: 'guardian-2', contestId: 'council', selectionId: 'erin' },
    };
    expect(verifyPartialDecryption(context, election.ceremony, tally, tampered)).toEqual(failure);
    expect(
      decryptTally(context, election.ceremony, tally, [partiallyDecrypt(context, g1, tally, random), tampered]),
    ).toEqual(failure);
  });

  it('a guardian using the wrong key share', () => {
    const wrong = partiallyDecrypt(context, { ...g3, secret: g3.secret + 1n }, tally, random);
    expect(verifyPartialDecryption(context, election.ceremony, tally, wrong)).toEqual({
      ok: false,
      error: { check: 'partial-decryption-proof', guardianId: 'guardian-3', contestId: 'mayor', selectionId: 'alice' },
    });
    const impostor = partiallyDecrypt(context, { ...g1, guardianId: g3.guardianId, index: g3.index }, tally, random);
    expect(verifyPartialDecryption(context, election.ceremony, tally, impostor)).toMatchObject({
      ok: false,
      error: { check: 'partial-decryption-proof' },
    });
  });

  it('too few or duplicated guardians', () => {
    const p1 = partiallyDecrypt(context, g1, tally, random);
    expect(decryptTally(context, election.ceremony, tally, [p1])).toEqual({
      ok: false,
      error: { check: 'too-few-guardians' },
    });
    expect(decryptTally(context, election.ceremony, tally, [p1, p1])).toEqual({
      ok: false,
      error: { check: 'duplicate-guardian', guardianId: 'guardian-1' },
    });
  });
});
