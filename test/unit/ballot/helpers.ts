import {
  type BallotId,
  type BallotManifest,
  createElectionContext,
  type ElectionContext,
  type GuardianKeyShare,
  type KeyCeremonyRecord,
  type PlaintextBallot,
  type RandomSource,
  runLocalCeremony,
} from '../../../core/ballot';
import type { ContestId, GuardianId, SelectionId } from '../../../core/ids';

/** A uniform integer in [0, n) from a byte source (rejection sampling keeps it unbiased). */
export function randomInt(random: RandomSource, n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = random(4);
    const x = new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
    if (x < limit) return x % n;
  }
}

export function randomManifest(
  random: RandomSource,
  sizes = { contests: [1, 10], selections: [1, 8], limit: [1, 3] },
): BallotManifest {
  const between = ([lo, hi]: number[]) => (lo as number) + randomInt(random, (hi as number) - (lo as number) + 1);
  const contestCount = between(sizes.contests);
  return {
    contests: Array.from({ length: contestCount }, (_, c) => {
      const selectionCount = between(sizes.selections);
      return {
        contestId: `contest-${c}` as ContestId,
        limit: Math.min(selectionCount, between(sizes.limit)),
        selections: Array.from({ length: selectionCount }, (_, s) => `c${c}-s${s}` as SelectionId),
      };
    }),
  };
}

/** A random valid ballot: in each contest, between 0 and limit distinct selections. */
export function randomBallot(random: RandomSource, manifest: BallotManifest, ballotId: string): PlaintextBallot {
  const choices: Record<string, SelectionId[]> = {};
  for (const contest of manifest.contests) {
    const marks = randomInt(random, contest.limit + 1);
    const pool = [...contest.selections];
    const chosen: SelectionId[] = [];
    for (let i = 0; i < marks; i++) chosen.push(pool.splice(randomInt(random, pool.length), 1)[0] as SelectionId);
    if (chosen.length > 0 || randomInt(random, 2) === 0) choices[contest.contestId] = chosen;
  }
  return { ballotId: ballotId as BallotId, choices };
}

export function plaintextCounts(manifest: BallotManifest, ballots: readonly PlaintextBallot[]): number[][] {
  return manifest.contests.map((contest) =>
    contest.selections.map((s) => ballots.filter((b) => (b.choices[contest.contestId] ?? []).includes(s)).length),
  );
}

export type Election = {
  readonly context: ElectionContext;
  readonly ceremony: KeyCeremonyRecord;
  readonly keyShares: readonly GuardianKeyShare[];
};

export function setUpElection(random: RandomSource, guardians: number, threshold: number): Election {
  const guardianIds = Array.from({ length: guardians }, (_, i) => `guardian-${i + 1}` as GuardianId);
  const outcome = runLocalCeremony({ baseHash: random(32), guardianIds, threshold }, random);
  if (!outcome.ok) throw new Error(`ceremony failed: ${JSON.stringify(outcome.error)}`);
  // The election package would hash the manifest and the joint key into this; any 32 bytes serve here.
  const context = createElectionContext(random(32), outcome.value.record.jointKey);
  return { context, ceremony: outcome.value.record, keyShares: outcome.value.keyShares };
}

/** A random k-subset of the guardians' key shares. */
export function randomQuorum(
  random: RandomSource,
  shares: readonly GuardianKeyShare[],
  size: number,
): GuardianKeyShare[] {
  const pool = [...shares];
  const chosen: GuardianKeyShare[] = [];
  while (chosen.length < size) chosen.push(pool.splice(randomInt(random, pool.length), 1)[0] as GuardianKeyShare);
  return chosen;
}
