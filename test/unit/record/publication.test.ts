/**
 * The publication rule (core/record/publication.ts) on the sample election: two
 * precincts, one ballot style each, each style with a contest of its own
 * (council-district-3 on style-district-3 only, council-district-1 on
 * style-district-1 only), minimum 10.
 */
import { describe, expect, it } from 'vitest';
import type { BallotManifest } from '../../../core/ballot';
import { toBallotManifest } from '../../../core/election/manifest';
import { sampleElectionDefinition } from '../../../core/election/sample';
import {
  mayPublish,
  minimumPublishedCount,
  publicationUnits,
  type PublicationElection,
  type StationCastCounts,
} from '../../../core/record/publication';
import { testSampleKeys } from '../election/sample-keys';

function election(minimum?: number): PublicationElection {
  const definition = sampleElectionDefinition({
    ...testSampleKeys(),
    ...(minimum === undefined ? {} : { minimumPublishedCount: minimum }),
  });
  if (!definition.ok) throw new Error('sample');
  const manifests = new Map<string, BallotManifest>();
  for (const style of definition.value.ballotStyles) {
    const manifest = toBallotManifest(definition.value, style.id);
    if (!manifest.ok) throw new Error('manifest');
    manifests.set(style.id, manifest.value);
  }
  return { definition: definition.value, manifests };
}

const district3 = (stationId: string, cast: number): StationCastCounts => ({
  stationId,
  precinctId: 'uik-1201',
  castByStyle: new Map([['style-district-3', cast]]),
});
const district1 = (stationId: string, cast: number): StationCastCounts => ({
  stationId,
  precinctId: 'uik-1202',
  castByStyle: new Map([['style-district-1', cast]]),
});

describe('which stations are decrypted together', () => {
  it('the sample sets 10; a package without the field publishes every station alone', () => {
    expect(minimumPublishedCount(election().definition)).toBe(10);
    const { minimumPublishedCount: _absent, ...old } = election().definition;
    expect(minimumPublishedCount(old)).toBe(1);
  });

  it('every station at or above the minimum stands alone', () => {
    expect(
      publicationUnits(election(), [district3('s-1', 10), district3('s-2', 30), district1('s-3', 12)]).map(
        (u) => u.unitId,
      ),
    ).toEqual(['s-1', 's-2', 's-3']);
  });

  it('a station of 3 ballots is merged with the other small stations of its precinct when they reach the minimum', () => {
    const units = publicationUnits(election(), [
      district3('s-1', 3),
      district3('s-2', 7),
      district3('s-3', 40),
      district1('s-4', 12),
    ]);
    expect(units).toEqual([
      { unitId: 's-3', kind: 'station', precinctId: 'uik-1201', stationIds: ['s-3'] },
      { unitId: 's-4', kind: 'station', precinctId: 'uik-1202', stationIds: ['s-4'] },
      { unitId: 'precinct:uik-1201', kind: 'precinct', precinctId: 'uik-1201', stationIds: ['s-1', 's-2'] },
    ]);
  });

  it('else with the whole precinct, the larger stations giving up their own totals', () => {
    const units = publicationUnits(election(), [district3('s-1', 3), district3('s-2', 20), district1('s-3', 20)]);
    expect(units.map((u) => [u.unitId, u.stationIds])).toEqual([
      ['s-3', ['s-3']],
      ['precinct:uik-1201', ['s-1', 's-2']],
    ]);
  });

  it('a precinct below the minimum altogether: its stations are merged across the election; if that is still too few, the election is one unit', () => {
    // 3 + 4 ballots in two precincts: 7 together, still below 10 — the whole election.
    expect(
      publicationUnits(election(), [district3('s-1', 3), district1('s-2', 4), district1('s-3', 30)]).map((u) => [
        u.unitId,
        u.stationIds,
      ]),
    ).toEqual([['election', ['s-1', 's-2', 's-3']]]);
    // With minimum 5: s-1 (3) and s-2 (4) merge into 7 ballots, but each district contest is then
    // carried by 3 and 4 ballots: still the whole election.
    expect(mayPublish(election(5), [district3('s-1', 3), district1('s-2', 4)], 5)).toBe(false);
    // With minimum 3: s-1 stands alone (3), s-2 too (4).
    expect(publicationUnits(election(3), [district3('s-1', 3), district1('s-2', 4)]).map((u) => u.unitId)).toEqual([
      's-1',
      's-2',
    ]);
  });

  it('a contest on one ballot style only needs the minimum of ballots of that style in the unit', () => {
    // 10 ballots at a station, but only 2 of them carry council-district-1: that count would publish 2 ballots' choices.
    const mixed: StationCastCounts = {
      stationId: 's-1',
      precinctId: 'uik-1201',
      castByStyle: new Map([
        ['style-district-3', 8],
        ['style-district-1', 2],
      ]),
    };
    expect(mayPublish(election(), [mixed], 10)).toBe(false);
    expect(
      mayPublish(
        election(),
        [
          {
            ...mixed,
            castByStyle: new Map([
              ['style-district-3', 10],
              ['style-district-1', 10],
            ]),
          },
        ],
        10,
      ),
    ).toBe(true);
    // A station with no cast ballot publishes only zeros, and stands alone.
    expect(mayPublish(election(), [district3('s-0', 0)], 10)).toBe(true);
  });
});
