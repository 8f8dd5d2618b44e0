/**
 * results.nist.json when stations are merged (core/record/nist-results.ts): every
 * ComposingGpUnitIds names a ReportingUnit of the report, a merged unit is a unit of
 * its own with its ballot count, and a station inside a merged unit has no unit (its
 * totals are not published apart). Before, a precinct listed every station, so the
 * report pointed at units that did not exist.
 */
import { describe, expect, it } from 'vitest';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { resultsToNist } from '../../../core/record/nist-results';
import type { ElectionResults, MergedResult } from '../../../core/record/results';
import { testSampleKeys } from '../election/sample-keys';
import { SPEC_VERSION } from '../../../core/spec-version';

const definition = (() => {
  const d = sampleElectionDefinition(testSampleKeys());
  if (!d.ok) throw new Error('sample');
  return d.value;
})();

const station = (stationId: string, precinctId: string, ballotsCast: number) => ({
  stationId,
  precinctId,
  ballotsCast,
  contests: [],
});

function results(parts: Pick<ElectionResults, 'stations' | 'merged' | 'precincts'>): ElectionResults {
  const overall = [...parts.stations, ...parts.merged].reduce((sum, u) => sum + u.ballotsCast, 0);
  return {
    type: 'election-results',
    v: 2,
    specVersion: SPEC_VERSION,
    electionId: definition.electionId,
    baseHash: 'AA',
    minimumPublishedCount: 10,
    guardians: ['g-1'],
    ...parts,
    overall: { ballotsCast: overall, contests: [] },
  };
}

type GpUnit = { '@id': string; ComposingGpUnitIds?: string[]; OtherType?: string };
type Report = { GpUnit: GpUnit[]; Election: { BallotCounts: { GpUnitId: string; BallotsCast: number }[] }[] };

function report(r: ElectionResults): Report {
  return resultsToNist(definition, r, {
    generatedDate: '2026-09-20T21:00:00Z',
    status: 'unofficial-complete',
    vendorApplicationId: 'test',
  }) as Report;
}

function expectClosed(nist: Report): void {
  const ids = new Set(nist.GpUnit.map((u) => u['@id']));
  for (const unit of nist.GpUnit)
    for (const part of unit.ComposingGpUnitIds ?? []) expect(ids, `${unit['@id']} composed of ${part}`).toContain(part);
  for (const count of nist.Election[0]?.BallotCounts ?? []) expect(ids).toContain(count.GpUnitId);
}

describe('results.nist.json with merged stations', () => {
  it('a precinct is composed of its stations published alone and its merged unit, never of a merged station', () => {
    const merged: MergedResult = {
      unitId: 'precinct:uik-1201',
      kind: 'precinct',
      precinctId: 'uik-1201',
      stations: [station('s-1', 'uik-1201', 3), station('s-5', 'uik-1201', 8)],
      ballotsCast: 11,
      contests: [],
    };
    const nist = report(
      results({
        stations: [station('s-2', 'uik-1201', 12), station('s-3', 'uik-1202', 15)],
        merged: [merged],
        precincts: [
          { precinctId: 'uik-1201', stations: ['s-1', 's-2', 's-5'], ballotsCast: 23, contests: [] },
          { precinctId: 'uik-1202', stations: ['s-3'], ballotsCast: 15, contests: [] },
        ],
      }),
    );
    expectClosed(nist);
    const unit = (id: string) => nist.GpUnit.find((u) => u['@id'] === id);
    expect(unit('gp-precinct-uik-1201')?.ComposingGpUnitIds).toEqual(['gp-station-s-2', 'gp-merged-precinct-uik-1201']);
    expect(unit('gp-merged-precinct-uik-1201')?.OtherType).toBe('merged-stations');
    expect(unit('gp-station-s-1')).toBeUndefined();
    expect(JSON.stringify(nist)).not.toContain('gp-station-s-1');
    expect(nist.Election[0]?.BallotCounts).toContainEqual(
      expect.objectContaining({ GpUnitId: 'gp-merged-precinct-uik-1201', BallotsCast: 11 }),
    );
  });

  it('a unit merged across precincts composes the jurisdiction, beside the stations of precincts no longer reported', () => {
    const merged: MergedResult = {
      unitId: 'election',
      kind: 'election',
      stations: [station('s-1', 'uik-1201', 4), station('s-3', 'uik-1202', 7)],
      ballotsCast: 11,
      contests: [],
    };
    const nist = report(results({ stations: [station('s-2', 'uik-1201', 12)], merged: [merged], precincts: [] }));
    expectClosed(nist);
    // The jurisdiction is the report's first unit.
    expect(nist.GpUnit[0]?.ComposingGpUnitIds).toEqual(['gp-merged-election', 'gp-station-s-2']);
    expect(JSON.stringify(nist)).not.toMatch(/gp-station-s-[13]/);
  });
});
