/**
 * Reconciliation of the poll book with the ballots cast: check-ins alone, or, once
 * the officials give the reissues, check-ins + reissues − voided ballots in the log.
 */
import { describe, expect, it } from 'vitest';
import { describeDiscrepancy, parsePaperCounts, reconcile, reconciliationHtml, type PaperCounts } from '../../../core/record/reconcile';
import type { ElectionResults } from '../../../core/record/results';

/** Station-1 cast 10 ballots; its log also holds 2 voided ones. */
const RESULTS: ElectionResults = {
  type: 'election-results',
  v: 1,
  electionId: 'e-1',
  baseHash: 'h',
  guardians: ['g-1'],
  stations: [{ stationId: 'station-1', precinctId: 'uik-1', ballotsCast: 10, contests: [] }],
  precincts: [{ precinctId: 'uik-1', stations: ['station-1'], ballotsCast: 10, contests: [] }],
  overall: { ballotsCast: 10, contests: [] },
};
const VOIDED = new Map([['station-1', 2]]);

function paper(counts: { checkIns?: number; ballotsReissued?: number }): PaperCounts {
  const parsed = parsePaperCounts({ type: 'paper-counts', v: 1, electionId: 'e-1', stations: [{ stationId: 'station-1', paperRecords: 10, ...counts }] });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('reconciling the poll book with the ballots cast', () => {
  it('explains the cast count by check-ins + reissues − voided once the reissues are given', () => {
    // 10 voters; 2 ballots voided, both replaced by a reissue.
    const agreed = reconcile(RESULTS, paper({ checkIns: 10, ballotsReissued: 2 }), VOIDED);
    expect(agreed.discrepancies).toEqual([]);
    expect(agreed.stations[0]).toMatchObject({ checkIns: 10, ballotsReissued: 2, voidedInLog: 2, castInLog: 10 });
    // 11 voters; 2 voided, one replaced: the other voter left.
    expect(reconcile(RESULTS, paper({ checkIns: 11, ballotsReissued: 1 }), VOIDED).discrepancies).toEqual([]);
  });

  it('flags a reissue the cast count does not explain, naming both sides', () => {
    const flagged = reconcile(RESULTS, paper({ checkIns: 10, ballotsReissued: 3 }), VOIDED);
    expect(flagged.discrepancies).toEqual([{ stationId: 'station-1', kind: 'issued-less-voided-vs-cast', paper: 11, digital: 10 }]);
    const [discrepancy] = flagged.discrepancies;
    if (discrepancy === undefined) throw new Error('no discrepancy');
    expect(describeDiscrepancy(discrepancy)).toBe(
      'station station-1: poll-book check-ins + ballots reissued − ballots voided in the log vs ballots cast in the log: paper 11, digital 10',
    );
    const html = reconciliationHtml(flagged, 'r');
    expect(html).toContain('<th>Ballots reissued</th><th>Voided (log)</th>');
    expect(html).toContain('<td class="n bad">3</td><td class="n bad">2</td>');
  });

  it('without the reissues, sets check-ins against the cast ballots as before', () => {
    expect(reconcile(RESULTS, paper({ checkIns: 10 }), VOIDED).discrepancies).toEqual([]);
    expect(reconcile(RESULTS, paper({ checkIns: 12 }), VOIDED).discrepancies).toEqual([{ stationId: 'station-1', kind: 'check-ins-vs-cast', paper: 12, digital: 10 }]);
    expect(reconcile(RESULTS, paper({})).stations[0]).toMatchObject({ checkIns: null, ballotsReissued: null, voidedInLog: null });
  });
});
