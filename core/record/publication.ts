/**
 * The publication rule: which sets of stations the guardians decrypt together.
 * A decrypted total over a handful of ballots publishes those ballots (one cast
 * ballot: its vote), so no unit is decrypted unless enough ballots stand behind every
 * number in it. The package sets the minimum (`minimumPublishedCount`; 1, i.e. no
 * merging, for packages without it).
 *
 * A set of stations G may be published when it has no cast ballot, or when
 *   - at least m ballots were cast in G, and
 *   - every contest is carried by none or by at least m of G's cast ballots
 *     (a contest's count is over the ballots whose style carries it, so a contest on
 *     one ballot style only needs m ballots of that style in G; a style with fewer
 *     than m ballots in G is thereby never decrypted alone either).
 *
 * The units, each a partition of the stations that operated:
 *   1. every station that may be published alone is a unit of its own (kind "station");
 *   2. in each precinct, the stations that may not are merged together; if that set
 *      still may not be published, the precinct's other stations join it; if it may
 *      then be published it is a unit (kind "precinct", id "precinct:<id>");
 *   3. what remains (the first set of each such precinct) is merged across the whole
 *      election into one unit (kind "election", id "election");
 *   4. if that still may not be published, every station is merged into the single
 *      unit "election": the election's own result, which is published whatever its
 *      counts, as an election must have a result.
 * The rule is a pure function of public data (cast ballots per station and style, in
 * the verified logs), so guardians, combiners and verifiers compute the same units.
 */
import { addCiphertexts, type Ciphertext, type EncryptedTally } from '../ballot';
import type { ElectionDefinition } from '../election/definition';
import type { RecordElection } from './election';

/** What the rule needs of the election: the definition (precincts, contests, minimum) and each style's contests. */
export type PublicationElection = Pick<RecordElection, 'definition' | 'manifests'>;

export type PublicationUnitKind = 'station' | 'precinct' | 'election';

export type PublicationUnit = {
  /** The station id for a station alone; "precinct:<id>" or "election" for a merged unit. */
  readonly unitId: string;
  readonly kind: PublicationUnitKind;
  /** The precinct of a station or precinct unit. */
  readonly precinctId?: string;
  /** Sorted. */
  readonly stationIds: readonly string[];
};

/** What the rule looks at: public counts of cast ballots. */
export type StationCastCounts = {
  readonly stationId: string;
  readonly precinctId: string;
  readonly castByStyle: ReadonlyMap<string, number>;
};

/** The package's minimum, or 1 (every station alone) for packages made before it existed. */
export function minimumPublishedCount(definition: ElectionDefinition): number {
  return definition.minimumPublishedCount ?? 1;
}

/** Cast ballots per ballot style over a set of stations. */
export function castByStyleOf(stations: readonly StationCastCounts[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const s of stations) for (const [style, n] of s.castByStyle) sum.set(style, (sum.get(style) ?? 0) + n);
  return sum;
}

/** Cast ballots carrying each contest, over a set of stations. */
export function ballotsPerContest(
  election: PublicationElection,
  castByStyle: ReadonlyMap<string, number>,
): Map<string, number> {
  const perContest = new Map<string, number>();
  for (const [styleId, n] of castByStyle) {
    for (const contest of election.manifests.get(styleId)?.contests ?? [])
      perContest.set(contest.contestId, (perContest.get(contest.contestId) ?? 0) + n);
  }
  return perContest;
}

/** The test of the rule above: may this set of stations be decrypted as one unit? */
export function mayPublish(
  election: PublicationElection,
  stations: readonly StationCastCounts[],
  minimum: number,
): boolean {
  const byStyle = castByStyleOf(stations);
  const cast = [...byStyle.values()].reduce((a, b) => a + b, 0);
  if (cast === 0) return true;
  if (cast < minimum) return false;
  return [...ballotsPerContest(election, byStyle).values()].every((n) => n === 0 || n >= minimum);
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The units of the rule above, in a fixed order: stations alone, then precincts, then the election. */
export function publicationUnits(
  election: PublicationElection,
  stations: readonly StationCastCounts[],
): PublicationUnit[] {
  const minimum = minimumPublishedCount(election.definition);
  const ids = (set: readonly StationCastCounts[]) => set.map((s) => s.stationId).sort(byId);
  const alone = stations.filter((s) => mayPublish(election, [s], minimum));
  const units: PublicationUnit[] = alone.map((s) => ({
    unitId: s.stationId,
    kind: 'station',
    precinctId: s.precinctId,
    stationIds: [s.stationId],
  }));
  const left: StationCastCounts[] = [];
  for (const precinct of election.definition.precincts) {
    const inPrecinct = stations.filter((s) => s.precinctId === precinct.id);
    const small = inPrecinct.filter((s) => !alone.includes(s));
    if (small.length === 0) continue;
    const merged = mayPublish(election, small, minimum)
      ? small
      : mayPublish(election, inPrecinct, minimum)
        ? inPrecinct
        : undefined;
    if (merged === undefined) {
      left.push(...small);
      continue;
    }
    // The precinct's stations that join the merge are no longer published alone.
    for (const s of merged) {
      const at = units.findIndex((u) => u.kind === 'station' && u.unitId === s.stationId);
      if (at >= 0) units.splice(at, 1);
    }
    units.push({
      unitId: `precinct:${precinct.id}`,
      kind: 'precinct',
      precinctId: precinct.id,
      stationIds: ids(merged),
    });
  }
  if (left.length === 0) return units;
  if (mayPublish(election, left, minimum))
    return [...units, { unitId: 'election', kind: 'election', stationIds: ids(left) }];
  return [{ unitId: 'election', kind: 'election', stationIds: ids(stations) }];
}

/** The encrypted totals of a unit: per selection, the product of its stations' totals. */
export function unitEncryptedTotals(
  election: RecordElection,
  stationTallies: readonly EncryptedTally[],
): EncryptedTally {
  const sums = new Map<string, Map<string, Ciphertext>>();
  for (const tally of stationTallies) {
    for (const contest of tally.contests) {
      let selections = sums.get(contest.contestId);
      if (selections === undefined) {
        selections = new Map();
        sums.set(contest.contestId, selections);
      }
      for (const s of contest.selections) {
        const earlier = selections.get(s.selectionId);
        selections.set(s.selectionId, earlier === undefined ? s.ciphertext : addCiphertexts(earlier, s.ciphertext));
      }
    }
  }
  const first = new Map<string, EncryptedTally['contests'][number]>();
  for (const tally of stationTallies)
    for (const contest of tally.contests) if (!first.has(contest.contestId)) first.set(contest.contestId, contest);
  const contests = election.definition.contests
    .filter((c) => sums.has(c.id))
    .map((c) => {
      const order = first.get(c.id)?.selections ?? [];
      const selections = sums.get(c.id) as Map<string, Ciphertext>;
      return {
        contestId: c.id,
        selections: order.map((s) => ({
          selectionId: s.selectionId,
          ciphertext: selections.get(s.selectionId) as Ciphertext,
        })),
      };
    });
  return { ballotCount: stationTallies.reduce((n, t) => n + t.ballotCount, 0), contests };
}

/** A unit with what decrypting it needs: its encrypted totals and its cast ballots per style. */
export type UnitToDecrypt = {
  readonly unit: PublicationUnit;
  readonly tally: EncryptedTally;
  readonly castByStyle: ReadonlyMap<string, number>;
};

/** The publication units of verified logs, with their encrypted totals. */
export function unitsToDecrypt(
  election: RecordElection,
  stations: readonly {
    readonly station: { readonly stationId: string; readonly precinctId: string };
    readonly castByStyle: ReadonlyMap<string, number>;
    readonly totals: { readonly tally: EncryptedTally };
  }[],
): UnitToDecrypt[] {
  const counts = stations.map((s) => ({
    stationId: s.station.stationId,
    precinctId: s.station.precinctId,
    castByStyle: s.castByStyle,
  }));
  const byStation = new Map(stations.map((s) => [s.station.stationId, s]));
  return publicationUnits(election, counts).map((unit) => {
    const members = unit.stationIds.map((id) => byStation.get(id)).filter((s) => s !== undefined);
    return {
      unit,
      tally: unitEncryptedTotals(
        election,
        members.map((s) => s.totals.tally),
      ),
      castByStyle: castByStyleOf(counts.filter((c) => unit.stationIds.includes(c.stationId))),
    };
  });
}
