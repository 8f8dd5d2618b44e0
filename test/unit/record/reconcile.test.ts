/**
 * Reconciliation of the poll book with the ballots cast: check-ins alone, or, once
 * the officials give the reissues: cast ≤ check-ins, and cast ≤ check-ins + reissues −
 * voided ballots in the log, the rest being sessions that ended without a ballot.
 */
import { describe, expect, it } from 'vitest';
import {
  describeDiscrepancy,
  parsePaperCounts,
  reconcile,
  reconciliationHtml,
  type Discrepancy,
  type PaperCounts,
} from '../../../core/record/reconcile';
import type { ElectionResults } from '../../../core/record/results';
import { SPEC_VERSION } from '../../../core/spec-version';

/** Station-1 cast 10 ballots; its log also holds 2 voided ones. */
const RESULTS: ElectionResults = {
  type: 'election-results',
  v: 2,
  specVersion: SPEC_VERSION,
  electionId: 'e-1',
  baseHash: 'h',
  minimumPublishedCount: 1,
  guardians: ['g-1'],
  stations: [{ stationId: 'station-1', precinctId: 'uik-1', ballotsCast: 10, contests: [] }],
  merged: [],
  precincts: [{ precinctId: 'uik-1', stations: ['station-1'], ballotsCast: 10, contests: [] }],
  overall: { ballotsCast: 10, contests: [] },
};
const VOIDED = new Map([['station-1', 2]]);

function paper(counts: { checkIns?: number; ballotsReissued?: number }): PaperCounts {
  const parsed = parsePaperCounts({
    type: 'paper-counts',
    v: 1,
    electionId: 'e-1',
    stations: [{ stationId: 'station-1', paperRecords: 10, ...counts }],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('reconciling the poll book with the ballots cast', () => {
  it('explains the cast count by check-ins + reissues − voided once the reissues are given', () => {
    // 10 voters; 2 ballots voided, both replaced by a reissue.
    const agreed = reconcile(RESULTS, paper({ checkIns: 10, ballotsReissued: 2 }), VOIDED);
    expect(agreed.discrepancies).toEqual([]);
    expect(agreed.stations[0]).toMatchObject({
      checkIns: 10,
      ballotsReissued: 2,
      voidedInLog: 2,
      castInLog: 10,
      sessionsWithoutBallot: 0,
    });
    // 11 voters; 2 voided, one replaced: the other voter left after the void.
    expect(reconcile(RESULTS, paper({ checkIns: 11, ballotsReissued: 1 }), VOIDED).stations[0]).toMatchObject({
      sessionsWithoutBallot: 0,
      discrepancies: [],
    });
    // 11 voters, nothing voided: one stepped away before casting. Shown, not a discrepancy.
    const left = reconcile(RESULTS, paper({ checkIns: 11, ballotsReissued: 0 }));
    expect(left.discrepancies).toEqual([]);
    expect(left.stations[0]?.sessionsWithoutBallot).toBe(1);
    // 10 voters; 2 voided and replaced, and a kiosk stopped before one voter cast: a third reissue.
    expect(reconcile(RESULTS, paper({ checkIns: 10, ballotsReissued: 3 }), VOIDED).stations[0]).toMatchObject({
      sessionsWithoutBallot: 1,
      discrepancies: [],
    });
  });

  it('flags more ballots cast than the sessions issued could give, naming both sides', () => {
    // 9 voters, 1 reissue, 2 voided: at most 8 ballots, yet 10 were cast (and more than the 9 check-ins).
    const flagged = reconcile(RESULTS, paper({ checkIns: 9, ballotsReissued: 1 }), VOIDED);
    expect(flagged.discrepancies).toEqual([
      { stationId: 'station-1', kind: 'issued-less-voided-vs-cast', paper: 8, digital: 10 },
      { stationId: 'station-1', kind: 'cast-exceeds-check-ins', paper: 9, digital: 10 },
    ]);
    const [discrepancy] = flagged.discrepancies;
    if (discrepancy === undefined) throw new Error('no discrepancy');
    expect(describeDiscrepancy(discrepancy)).toBe(
      'station station-1: more ballots cast in the log than poll-book check-ins + ballots reissued − ballots voided in the log: paper 8, digital 10',
    );
    const html = reconciliationHtml(flagged, 'r');
    expect(html).toContain('<th>Ballots reissued</th><th>Voided (log)</th><th>Sessions without a ballot</th>');
    expect(html).toContain(
      '<td class="n bad">9</td><td class="n bad">1</td><td class="n bad">2</td><td class="n">0</td>',
    );
  });

  it('flags more ballots cast than check-ins even when reissues would cover them', () => {
    // 9 voters, 3 reissues, no void: the station never allows more cast than check-ins.
    expect(reconcile(RESULTS, paper({ checkIns: 9, ballotsReissued: 3 })).discrepancies).toEqual([
      { stationId: 'station-1', kind: 'cast-exceeds-check-ins', paper: 9, digital: 10 },
    ]);
  });

  it('without the reissues, sets check-ins against the cast ballots as before', () => {
    expect(reconcile(RESULTS, paper({ checkIns: 10 }), VOIDED).discrepancies).toEqual([]);
    expect(reconcile(RESULTS, paper({ checkIns: 12 }), VOIDED).discrepancies).toEqual([
      { stationId: 'station-1', kind: 'check-ins-vs-cast', paper: 12, digital: 10 },
    ]);
    expect(reconcile(RESULTS, paper({})).stations[0]).toMatchObject({
      checkIns: null,
      ballotsReissued: null,
      voidedInLog: null,
    });
  });
});

describe('reconciling stations whose totals were decrypted only merged', () => {
  const MERGED: ElectionResults = {
    ...RESULTS,
    minimumPublishedCount: 10,
    stations: [],
    merged: [
      {
        unitId: 'precinct:uik-1',
        kind: 'precinct',
        precinctId: 'uik-1',
        stations: [
          { stationId: 'station-1', precinctId: 'uik-1', ballotsCast: 3 },
          { stationId: 'station-2', precinctId: 'uik-1', ballotsCast: 9 },
        ],
        ballotsCast: 12,
        contests: [
          {
            contestId: 'c',
            ballots: 12,
            undervotes: 0,
            selections: [
              { selectionId: 'yes', count: 7 },
              { selectionId: 'no', count: 5 },
            ],
          },
        ],
      },
    ],
    precincts: [],
  };
  const counts = (yes1: number) => {
    const parsed = parsePaperCounts({
      type: 'paper-counts',
      v: 1,
      electionId: 'e-1',
      stations: [
        {
          stationId: 'station-1',
          paperRecords: 3,
          contests: [
            {
              contestId: 'c',
              selections: [
                { selectionId: 'yes', count: yes1 },
                { selectionId: 'no', count: 3 - yes1 },
              ],
            },
          ],
        },
        {
          stationId: 'station-2',
          paperRecords: 9,
          contests: [
            {
              contestId: 'c',
              selections: [
                { selectionId: 'yes', count: 5 },
                { selectionId: 'no', count: 4 },
              ],
            },
          ],
        },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };

  it('compares the summed hand counts with the merged totals, and cast counts station by station', () => {
    const agreed = reconcile(MERGED, counts(2));
    expect(agreed.discrepancies).toEqual([]);
    expect(agreed.stations.map((s) => [s.stationId, s.mergedInto, s.castInLog])).toEqual([
      ['station-1', 'precinct:uik-1', 3],
      ['station-2', 'precinct:uik-1', 9],
    ]);
    expect(agreed.units[0]?.contests[0]?.selections).toEqual([
      { selectionId: 'yes', handCount: 7, decrypted: 7 },
      { selectionId: 'no', handCount: 5, decrypted: 5 },
    ]);

    const off = reconcile(MERGED, counts(3));
    expect(off.discrepancies).toEqual([
      {
        stationId: 'precinct:uik-1',
        kind: 'hand-count-vs-decrypted',
        contestId: 'c',
        selectionId: 'yes',
        paper: 8,
        digital: 7,
      },
      {
        stationId: 'precinct:uik-1',
        kind: 'hand-count-vs-decrypted',
        contestId: 'c',
        selectionId: 'no',
        paper: 4,
        digital: 5,
      },
    ]);
    expect(describeDiscrepancy(off.discrepancies[0] as Discrepancy)).toBe(
      'merged unit precinct:uik-1 c/yes: hand count vs decrypted total: paper 8, digital 7',
    );
  });
});
