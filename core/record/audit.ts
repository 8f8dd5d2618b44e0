/**
 * Risk-limiting audit of the paper records by ballot polling: BRAVO (Lindeman, Stark
 * and Yates, "BRAVO: Ballot-polling Risk-limiting Audits to Verify Outcomes", EVT/WOTE
 * 2012), Wald's sequential probability ratio test per (reported winner, reported loser).
 *
 * Why ballot polling: the record holds only encrypted ballots, so there is no cast
 * vote record to compare a paper record with (a comparison audit would need one);
 * what is public is the reported totals, and that is exactly what BRAVO tests. A
 * paper record carries no ballot id (docs/PAPER.md: an id on paper would join it to
 * the public log, and the log's order to the poll book's), so a draw names a paper
 * by its station's box and its place in the stack the hand count left, never by id;
 * a comparison audit would need exactly the join that secrecy forbids.
 *
 * Sampling is with replacement, uniform over the ballot manifest (paper records per
 * station, stations in id order): draw i picks ticket SHA-256("<seed>,<i>") mod N, as
 * in Rivest's sampler for published-seed audits, so anyone can reproduce the sample
 * from the seed rolled with public dice.
 *
 * For a contest with reported winners W and losers L (vote-for k: the top k), each
 * pair (w, ℓ) starts at T = 1; a paper showing w multiplies T by 2·s, one showing ℓ
 * by 2·(1 − s), where s = votes(w) / (votes(w) + votes(ℓ)) as reported; anything
 * else leaves T alone. The outcome is confirmed when every T ≥ 1/α. A tie or a
 * winner without a majority over some loser in the pair cannot be confirmed by
 * polling: the audit goes to a full hand count.
 */
import { sha256 } from '../encoding/hash';
import { utf8Encode, toHex } from '../encoding/bytes';
import type { ElectionDefinition } from '../election/definition';
import { contestLimit } from '../election/definition';
import { z } from 'zod';
import type { InputFormat } from '../input-errors';
import type { ElectionResults } from './results';

export type ManifestBatch = { readonly stationId: string; readonly paperRecords: number };

export type Draw = {
  /** 1-based draw number. */
  readonly draw: number;
  readonly ticket: string;
  readonly stationId: string;
  /** 1-based position of the paper record in the station's box (its batch). */
  readonly position: number;
};

/** The i-th draw's ticket: SHA-256 of "<seed>,<i>" as a 256-bit integer. */
function ticket(seed: string, i: number): bigint {
  return BigInt(`0x${toHex(sha256(utf8Encode(`${seed},${i}`)))}`);
}

/** Draws `count` paper records (with replacement) from the manifest, reproducibly from the seed. */
export function drawSample(seed: string, manifest: readonly ManifestBatch[], count: number, firstDraw = 1): Draw[] {
  const batches = [...manifest]
    .filter((b) => b.paperRecords > 0)
    .sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0));
  const total = batches.reduce((n, b) => n + b.paperRecords, 0);
  if (total === 0) return [];
  const draws: Draw[] = [];
  for (let i = firstDraw; i < firstDraw + count; i++) {
    const t = ticket(seed, i);
    let k = Number(t % BigInt(total));
    for (const batch of batches) {
      if (k < batch.paperRecords) {
        draws.push({ draw: i, ticket: t.toString(16).padStart(64, '0'), stationId: batch.stationId, position: k + 1 });
        break;
      }
      k -= batch.paperRecords;
    }
  }
  return draws;
}

export type ReportedContest = {
  readonly contestId: string;
  readonly winners: readonly string[];
  readonly losers: readonly string[];
  readonly votes: ReadonlyMap<string, number>;
  /** Why polling cannot confirm this contest (a tie at the cut), if it cannot. */
  readonly unauditable?: string;
};

/** Winners and losers by the reported totals: the top `vote for` selections win. */
export function reportedOutcome(definition: ElectionDefinition, results: ElectionResults): ReportedContest[] {
  return results.overall.contests.map((contest) => {
    const definitionContest = definition.contests.find((c) => c.id === contest.contestId);
    const seats = definitionContest === undefined ? 1 : contestLimit(definitionContest);
    const ranked = [...contest.selections].sort((a, b) => b.count - a.count);
    const winners = ranked.slice(0, seats).map((s) => s.selectionId);
    const losers = ranked.slice(seats).map((s) => s.selectionId);
    const votes = new Map(contest.selections.map((s) => [s.selectionId, s.count]));
    const lastWinner = ranked[seats - 1];
    const firstLoser = ranked[seats];
    const tie = lastWinner !== undefined && firstLoser !== undefined && lastWinner.count === firstLoser.count;
    return {
      contestId: contest.contestId,
      winners,
      losers,
      votes,
      ...(tie ? { unauditable: `a reported tie between ${lastWinner.selectionId} and ${firstLoser.selectionId}` } : {}),
    };
  });
}

/** BRAVO's expected sample size for the closest pair when the reported shares are right. */
export function expectedSampleSize(contest: ReportedContest, ballots: number, riskLimit: number): number {
  if (contest.unauditable !== undefined || ballots === 0) return ballots;
  let worst = 0;
  for (const w of contest.winners) {
    for (const l of contest.losers) {
      const vw = contest.votes.get(w) ?? 0;
      const vl = contest.votes.get(l) ?? 0;
      if (vw + vl === 0) continue;
      const s = vw / (vw + vl);
      const pw = vw / ballots;
      const pl = vl / ballots;
      // A loser without a vote contributes nothing (lim p·log p = 0), not 0·log 0 = NaN.
      const denominator = pw * Math.log(2 * s) + (pl === 0 ? 0 : pl * Math.log(2 - 2 * s));
      const asn =
        denominator <= 0 ? Number.POSITIVE_INFINITY : (Math.log(1 / riskLimit) + Math.log(2 * s) / 2) / denominator;
      worst = Math.max(worst, asn);
    }
  }
  return Math.min(ballots, Math.ceil(worst));
}

export type PaperReading = {
  readonly draw: number;
  readonly stationId: string;
  readonly position: number;
  /** What the paper shows, per contest on it. */
  readonly choices: Readonly<Record<string, readonly string[]>>;
};

/**
 * The auditors' readings of the drawn paper records (`urna audit record --paper-ballots`):
 * for each draw, the selections the paper shows in each contest, by id.
 */
export const paperReadingsSchema = z.strictObject({
  readings: z.array(
    z.strictObject({
      draw: z.int().min(1).describe('the draw number in the sample (urna audit start), from 1 with no gap'),
      stationId: z.string().describe('the station whose box the paper was drawn from'),
      position: z.int().min(1).describe("the paper record's position in that box, as the sample names it"),
      choices: z
        .record(z.string(), z.array(z.string()))
        .describe('contest id → the selection ids marked on the paper (an empty list: no mark in that contest)'),
    }),
  ),
});
export type PaperReadings = z.infer<typeof paperReadingsSchema>;
export const paperReadingsFormat: InputFormat<PaperReadings> = {
  name: 'paper-readings',
  what: 'paper-readings file',
  schema: paperReadingsSchema,
};

export type PairState = {
  readonly winner: string;
  readonly loser: string;
  readonly share: number;
  readonly statistic: number;
};

export type ContestAudit = {
  readonly contestId: string;
  readonly status: 'confirmed' | 'continue' | 'full-hand-count';
  readonly reason?: string;
  readonly pairs: readonly PairState[];
  /** Draws read when the risk limit was met. */
  readonly confirmedAtDraw?: number;
};

export type AuditOutcome = {
  readonly riskLimit: number;
  readonly draws: number;
  readonly contests: readonly ContestAudit[];
  /** The risk limit is met for every contest. */
  readonly confirmed: boolean;
};

/**
 * Runs BRAVO over the readings in draw order. Readings must be exactly draws 1..n of
 * the published sample (the caller checks station and position against the sampler).
 */
export function bravo(
  contests: readonly ReportedContest[],
  readings: readonly PaperReading[],
  riskLimit: number,
): AuditOutcome {
  const threshold = 1 / riskLimit;
  const audits = contests.map((contest): ContestAudit => {
    if (contest.unauditable !== undefined)
      return { contestId: contest.contestId, status: 'full-hand-count', reason: contest.unauditable, pairs: [] };
    const pairs = contest.winners.flatMap((winner) =>
      contest.losers.map((loser) => {
        const vw = contest.votes.get(winner) ?? 0;
        const vl = contest.votes.get(loser) ?? 0;
        return { winner, loser, share: vw + vl === 0 ? 0.5 : vw / (vw + vl), statistic: 1 };
      }),
    );
    // A pair whose reported winner has no majority over the loser cannot grow T.
    const hopeless = pairs.find((p) => p.share <= 0.5);
    if (hopeless !== undefined)
      return {
        contestId: contest.contestId,
        status: 'full-hand-count',
        reason: `${hopeless.winner} is not reported ahead of ${hopeless.loser}`,
        pairs,
      };
    if (pairs.length === 0)
      return {
        contestId: contest.contestId,
        status: 'confirmed',
        reason: 'no reported loser',
        pairs,
        confirmedAtDraw: 0,
      };
    let confirmedAtDraw: number | undefined;
    // Each pair is its own sequential test: once it crosses 1/α it stays confirmed.
    const open = new Set(pairs);
    for (const reading of readings) {
      const marked = new Set(reading.choices[contest.contestId] ?? []);
      for (const pair of open) {
        const forWinner = marked.has(pair.winner);
        const forLoser = marked.has(pair.loser);
        // A paper marking both (possible in vote-for-k) says nothing about this pair.
        if (forWinner && !forLoser) pair.statistic *= 2 * pair.share;
        else if (forLoser && !forWinner) pair.statistic *= 2 * (1 - pair.share);
        if (pair.statistic >= threshold) open.delete(pair);
      }
      if (open.size === 0) {
        confirmedAtDraw = reading.draw;
        break;
      }
    }
    return confirmedAtDraw === undefined
      ? { contestId: contest.contestId, status: 'continue', pairs }
      : { contestId: contest.contestId, status: 'confirmed', pairs, confirmedAtDraw };
  });
  return {
    riskLimit,
    draws: readings.length,
    contests: audits,
    confirmed: audits.every((a) => a.status === 'confirmed'),
  };
}
