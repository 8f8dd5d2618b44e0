/**
 * The simulated voters: what each one means to vote, drawn from the simulation's
 * seed, and the plaintext counts those intentions add up to. Every draw comes from
 * a stream named after the station and the voter, so the same seed gives the same
 * voters whatever the order the stations run in and whatever faults happen.
 */
import type { BallotMarks } from '../../core/api/ballot';
import type { BallotManifest } from '../../core/ballot';
import { utf8Encode } from '../../core/encoding/bytes';
import { sha256 } from '../../core/encoding/hash';

/** A deterministic stream of uniform numbers (xoshiro128**, seeded by SHA-256 of a label). */
export class SeededStream {
  private s: Uint32Array;

  constructor(seed: string, label: string) {
    const digest = sha256(utf8Encode(`urna/simulate/v1\u0000${seed}\u0000${label}`));
    const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    this.s = Uint32Array.of(view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12));
    // An all-zero state would repeat zero forever; SHA-256 makes it astronomically unlikely.
    if (this.s.every((word) => word === 0)) this.s[0] = 1;
  }

  /** A uniform 32-bit integer. */
  nextUint32(): number {
    const s = this.s as Uint32Array & { 0: number; 1: number; 2: number; 3: number };
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An index drawn with the given (non-negative) weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.next() * total;
    for (const [i, w] of weights.entries()) {
      x -= w;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** How often voters do the less common things; the defaults give a plausible polling day. */
export const VOTER_HABITS = {
  /** Leaves a contest blank. */
  blankContest: 0.05,
  /** In a vote-for-several contest, marks fewer than allowed (beyond blanks). */
  fewerMarks: 0.12,
  /** Challenges a first marking (Benaloh) before casting their real choice. */
  challenge: 0.04,
  /** Relative popularity of a write-in line against a listed candidate of weight 1..8. */
  writeInWeight: 2,
} as const;

const WRITE_IN_NAMES = [
  'Тихонова Вера',
  'Orlov Nikita',
  'Смирнов Пётр',
  'Anna Kowalska',
  'Кузнецова Дарья',
  "O'Brien Sean",
] as const;

export type VoterIntent = {
  /** The voter's number at the station, from 0. */
  readonly index: number;
  readonly voterId: string;
  /** What the voter means: the ballot that must count. */
  readonly marks: BallotMarks;
  readonly undervoted: boolean;
  /** A first marking the voter challenges (never counted), or null. */
  readonly challengeFirst: { readonly marks: BallotMarks; readonly undervoted: boolean } | null;
};

/** Each contest's popularity ranking, the same at every station of the election (a seeded "mood"). */
export function electionMood(seed: string, manifest: BallotManifest): ReadonlyMap<string, readonly number[]> {
  const mood = new Map<string, number[]>();
  for (const contest of manifest.contests) {
    const stream = new SeededStream(seed, `mood/${contest.contestId}`);
    mood.set(
      contest.contestId,
      contest.selections.map((selectionId) =>
        isWriteIn(selectionId) ? VOTER_HABITS.writeInWeight : 1 + stream.below(8),
      ),
    );
  }
  return mood;
}

export function isWriteIn(selectionId: string): boolean {
  return selectionId.startsWith('write-in-');
}

/** One marking of the whole ballot by a voter with this stream. */
function markBallot(
  stream: SeededStream,
  manifest: BallotManifest,
  mood: ReadonlyMap<string, readonly number[]>,
): { marks: BallotMarks; undervoted: boolean } {
  const selections: Record<string, string[]> = {};
  const writeIns: Record<string, Record<string, string>> = {};
  let undervoted = false;
  for (const contest of manifest.contests) {
    let count = contest.limit;
    if (stream.chance(VOTER_HABITS.blankContest)) count = 0;
    else if (contest.limit > 1 && stream.chance(VOTER_HABITS.fewerMarks)) count = 1 + stream.below(contest.limit - 1);
    if (count < contest.limit) undervoted = true;
    if (count === 0) continue;
    const weights = [...(mood.get(contest.contestId) ?? contest.selections.map(() => 1))];
    const chosen: string[] = [];
    for (let k = 0; k < count; k++) {
      const pick = stream.weighted(weights);
      const selectionId = contest.selections[pick];
      if (selectionId === undefined) throw new Error('invariant failed: a weighted pick outside the contest');
      chosen.push(selectionId);
      weights[pick] = 0;
      if (isWriteIn(selectionId)) {
        writeIns[contest.contestId] = {
          ...writeIns[contest.contestId],
          [selectionId]: WRITE_IN_NAMES[stream.below(WRITE_IN_NAMES.length)] ?? 'Иванов',
        };
      }
    }
    selections[contest.contestId] = chosen;
  }
  return { marks: { selections, writeIns }, undervoted };
}

/** The voter ids of a station: one block of the precinct's roll per station. */
export function voterIdsFor(stationNumber: number, voters: number, precinctCode: string): string[] {
  return Array.from(
    { length: voters },
    (_, j) => `${precinctCode}-${String(stationNumber).padStart(3, '0')}-${String(j + 1).padStart(5, '0')}`,
  );
}

/** Everything the voters of one station mean to do, in the order they arrive. */
export function planVoters(input: {
  readonly seed: string;
  readonly stationId: string;
  readonly voterIds: readonly string[];
  readonly manifest: BallotManifest;
  readonly mood: ReadonlyMap<string, readonly number[]>;
}): VoterIntent[] {
  return input.voterIds.map((voterId, index) => {
    const stream = new SeededStream(input.seed, `voter/${input.stationId}/${index}`);
    const challengeFirst = stream.chance(VOTER_HABITS.challenge)
      ? markBallot(stream, input.manifest, input.mood)
      : null;
    const intended = markBallot(stream, input.manifest, input.mood);
    return { index, voterId, marks: intended.marks, undervoted: intended.undervoted, challengeFirst };
  });
}

/** Counts per contest and selection, in the shape of results.json's units without undervotes. */
export type PlainCounts = {
  ballotsCast: number;
  contests: Record<string, Record<string, number>>;
};

export function emptyCounts(manifests: readonly BallotManifest[]): PlainCounts {
  const contests: Record<string, Record<string, number>> = {};
  for (const manifest of manifests) {
    for (const contest of manifest.contests)
      contests[contest.contestId] ??= Object.fromEntries(contest.selections.map((s) => [s, 0]));
  }
  return { ballotsCast: 0, contests };
}

/** Adds one cast ballot's marks. */
export function countBallot(counts: PlainCounts, manifest: BallotManifest, marks: BallotMarks): void {
  counts.ballotsCast += 1;
  for (const contest of manifest.contests) {
    const tally = counts.contests[contest.contestId];
    if (tally === undefined) throw new Error(`invariant failed: no counts for ${contest.contestId}`);
    for (const selectionId of marks.selections[contest.contestId] ?? [])
      tally[selectionId] = (tally[selectionId] ?? 0) + 1;
  }
}

export function addCounts(into: PlainCounts, from: PlainCounts): void {
  into.ballotsCast += from.ballotsCast;
  for (const [contestId, selections] of Object.entries(from.contests)) {
    const target = (into.contests[contestId] ??= {});
    for (const [selectionId, n] of Object.entries(selections)) target[selectionId] = (target[selectionId] ?? 0) + n;
  }
}
