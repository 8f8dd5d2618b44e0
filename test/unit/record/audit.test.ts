/**
 * The audit's sampler is a published function of the seed, and BRAVO limits the risk:
 * in simulation, when the reported winner actually lost on paper, the audit confirms
 * the wrong outcome in at most about α of the trials and otherwise goes on to a full
 * hand count; when the reported outcome is right with a fair margin, it confirms.
 */
import { describe, expect, it } from 'vitest';
import {
  bravo,
  drawSample,
  expectedSampleSize,
  type PaperReading,
  type ReportedContest,
} from '../../../core/record/audit';

const manifest = [
  { stationId: 'station-2', paperRecords: 400 },
  { stationId: 'station-1', paperRecords: 600 },
];

describe('the audit sampler', () => {
  it('draws the same paper records for the same seed, and others for another seed', () => {
    const seed = '31415926535897932384626433';
    const a = drawSample(seed, manifest, 50);
    const b = drawSample(seed, [...manifest].reverse(), 50);
    expect(a).toEqual(b);
    expect(a.map((d) => d.draw)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const d of a) {
      const box = manifest.find((m) => m.stationId === d.stationId);
      expect(d.position).toBeGreaterThanOrEqual(1);
      expect(d.position).toBeLessThanOrEqual(box?.paperRecords ?? 0);
    }
    expect(drawSample('27182818284590452353602874', manifest, 50)).not.toEqual(a);
    // Growing the sample keeps the draws already pulled.
    expect(drawSample(seed, manifest, 80).slice(0, 50)).toEqual(a);
    expect(drawSample(seed, manifest, 30, 51)).toEqual(drawSample(seed, manifest, 80).slice(50));
  });

  it('is uniform over the manifest (chi-squared over the two boxes)', () => {
    const draws = drawSample('12345678901234567890', manifest, 5000);
    const inFirst = draws.filter((d) => d.stationId === 'station-1').length;
    // station-1 holds 600 of 1000 records: 3000 expected, sd ≈ 34.6.
    expect(Math.abs(inFirst - 3000)).toBeLessThan(4 * 34.6);
  });
});

/** Paper records of one yes/no question: `yes` of them marked yes, the rest no. */
function papers(yes: number, total: number): string[] {
  return Array.from({ length: total }, (_, i) => (i < yes ? 'yes' : 'no'));
}

function readingsFor(seed: string, population: readonly string[], draws: number): PaperReading[] {
  return drawSample(seed, [{ stationId: 'station-1', paperRecords: population.length }], draws).map((d) => ({
    draw: d.draw,
    stationId: d.stationId,
    position: d.position,
    choices: { question: [population[d.position - 1] as string] },
  }));
}

const reported = (yes: number, no: number): ReportedContest[] => [
  yes >= no
    ? {
        contestId: 'question',
        winners: ['yes'],
        losers: ['no'],
        votes: new Map([
          ['yes', yes],
          ['no', no],
        ]),
      }
    : {
        contestId: 'question',
        winners: ['no'],
        losers: ['yes'],
        votes: new Map([
          ['yes', yes],
          ['no', no],
        ]),
      },
];

describe('BRAVO in simulation', () => {
  const alpha = 0.05;
  const trials = 400;

  it('a manipulated outcome (reported 55% yes, paper 48% yes) is confirmed in at most about α of the audits', () => {
    const population = papers(480, 1000);
    const contests = reported(550, 450);
    let wronglyConfirmed = 0;
    for (let t = 0; t < trials; t++) {
      // Each audit may grow up to a full hand count's worth of draws before escalating.
      const outcome = bravo(contests, readingsFor(`9000000000000000000${t}`, population, 1000), alpha);
      if (outcome.confirmed) wronglyConfirmed++;
    }
    // Binomial(400, ≤ 0.05): 4 sd above 20 is ~37.
    expect(wronglyConfirmed / trials).toBeLessThan(0.09);
  });

  it('the true outcome with a 20-point margin is confirmed, near the expected sample size', () => {
    const population = papers(600, 1000);
    const contests = reported(600, 400);
    const expected = expectedSampleSize(contests[0] as ReportedContest, 1000, alpha);
    const drawsNeeded: number[] = [];
    for (let t = 0; t < 100; t++) {
      const outcome = bravo(contests, readingsFor(`8000000000000000000${t}`, population, 1000), alpha);
      if (outcome.confirmed) drawsNeeded.push(outcome.contests[0]?.confirmedAtDraw ?? 0);
    }
    expect(drawsNeeded.length).toBeGreaterThanOrEqual(95);
    const sorted = [...drawsNeeded].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(expected * 2);
  });

  it('a reported tie cannot be confirmed by polling: full hand count', () => {
    const outcome = bravo(reported(500, 500), readingsFor('11111111111111111111', papers(500, 1000), 200), alpha);
    expect(outcome.confirmed).toBe(false);
    expect(outcome.contests[0]?.status).toBe('full-hand-count');
  });
});

describe('the expected sample size', () => {
  it('is a whole number of draws when a reported loser has no votes at all (no 0·log 0)', () => {
    const contest: ReportedContest = {
      contestId: 'mayor',
      winners: ['a'],
      losers: ['b', 'c'],
      votes: new Map([
        ['a', 3],
        ['b', 1],
        ['c', 0],
      ]),
    };
    const expected = expectedSampleSize(contest, 4, 0.05);
    expect(Number.isInteger(expected)).toBe(true);
    expect(expected).toBeGreaterThanOrEqual(1);
    expect(expected).toBeLessThanOrEqual(4);
    const unanimous: ReportedContest = {
      contestId: 'charter',
      winners: ['yes'],
      losers: ['no'],
      votes: new Map([
        ['yes', 5],
        ['no', 0],
      ]),
    };
    // Every paper shows the winner and doubles the statistic: about log2(1/α) ≈ 4.3 draws, plus Wald's overshoot term, at α = 0.05.
    expect(expectedSampleSize(unanimous, 5, 0.05)).toBe(5);
  });
});
