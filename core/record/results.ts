/**
 * results.json: the decrypted totals per station (or per merged unit, for stations
 * below the package's minimum count: publication.ts), per precinct and overall, with
 * for every contest the number of cast ballots that carried it and the undervotes.
 * It is a pure function of the verified station totals and the ballot styles of the
 * cast ballots (public in the log), so the verifier recomputes it and compares.
 */
import { toBase64Url } from '../encoding/bytes';
import { contestLimit } from '../election/definition';
import type { PlaintextTally } from '../ballot';
import type { RecordElection } from './election';
import { minimumPublishedCount, type PublicationUnit } from './publication';
import { SPEC_VERSION } from '../spec-version';

export type ContestResult = {
  readonly contestId: string;
  /** Cast ballots whose style carries this contest. */
  readonly ballots: number;
  readonly undervotes: number;
  readonly selections: readonly { readonly selectionId: string; readonly count: number }[];
};

export type UnitResult = { readonly ballotsCast: number; readonly contests: readonly ContestResult[] };

export type StationCount = { readonly stationId: string; readonly precinctId: string; readonly ballotsCast: number };

/** Stations decrypted together (publication.ts): their totals are published only as one. */
export type MergedResult = UnitResult & {
  readonly unitId: string;
  readonly kind: 'precinct' | 'election';
  readonly precinctId?: string;
  /** The member stations with their cast counts (public in the logs); their totals are not published apart. */
  readonly stations: readonly StationCount[];
};

export type ElectionResults = {
  readonly type: 'election-results';
  /** 2: stations below the minimum are merged (`merged`). */
  readonly v: 2;
  /** The docs/SPEC.md version the results were computed under. */
  readonly specVersion: string;
  readonly electionId: string;
  readonly baseHash: string;
  /** The package's minimum count of ballots behind a published total. */
  readonly minimumPublishedCount: number;
  /** Guardians whose partial decryptions were combined. */
  readonly guardians: readonly string[];
  /** Stations published alone. */
  readonly stations: readonly (UnitResult & { readonly stationId: string; readonly precinctId: string })[];
  /** Units of several stations, decrypted together because one of them alone is below the minimum. */
  readonly merged: readonly MergedResult[];
  /** Precincts none of whose stations was merged across precincts. */
  readonly precincts: readonly (UnitResult & { readonly precinctId: string; readonly stations: readonly string[] })[];
  readonly overall: UnitResult;
};

export type DecryptedUnit = {
  readonly unit: PublicationUnit;
  /** Cast ballots per ballot style over the unit's stations. */
  readonly castByStyle: ReadonlyMap<string, number>;
  readonly totals: PlaintextTally;
};

function unitResult(election: RecordElection, unit: DecryptedUnit): UnitResult {
  const contests = unit.totals.contests.map((contest) => {
    let ballots = 0;
    for (const [styleId, n] of unit.castByStyle) {
      if (election.manifests.get(styleId)?.contests.some((c) => c.contestId === contest.contestId) === true)
        ballots += n;
    }
    return {
      contestId: contest.contestId,
      ballots,
      selections: contest.selections.map((s) => ({ selectionId: s.selectionId, count: s.count })),
    };
  });
  return { ballotsCast: unit.totals.ballotCount, contests: withUndervotes(election, contests) };
}

function withUndervotes(
  election: RecordElection,
  contests: readonly Omit<ContestResult, 'undervotes'>[],
): ContestResult[] {
  return contests.map((c) => {
    const definition = election.definition.contests.find((d) => d.id === c.contestId);
    const limit = definition === undefined ? 0 : contestLimit(definition);
    const marked = c.selections.reduce((sum, s) => sum + s.count, 0);
    return {
      contestId: c.contestId,
      ballots: c.ballots,
      undervotes: c.ballots * limit - marked,
      selections: c.selections,
    };
  });
}

/** Sums units contest by contest, in the definition's contest order. */
function sumUnits(election: RecordElection, units: readonly UnitResult[]): UnitResult {
  const byContest = new Map<string, { ballots: number; counts: Map<string, number>; order: string[] }>();
  for (const unit of units) {
    for (const contest of unit.contests) {
      let sum = byContest.get(contest.contestId);
      if (sum === undefined) {
        sum = { ballots: 0, counts: new Map(), order: contest.selections.map((s) => s.selectionId) };
        byContest.set(contest.contestId, sum);
      }
      sum.ballots += contest.ballots;
      for (const s of contest.selections) sum.counts.set(s.selectionId, (sum.counts.get(s.selectionId) ?? 0) + s.count);
    }
  }
  const contests = election.definition.contests
    .filter((c) => byContest.has(c.id))
    .map((c) => {
      const sum = byContest.get(c.id) as { ballots: number; counts: Map<string, number>; order: string[] };
      return {
        contestId: c.id,
        ballots: sum.ballots,
        selections: sum.order.map((selectionId) => ({ selectionId, count: sum.counts.get(selectionId) ?? 0 })),
      };
    });
  return { ballotsCast: units.reduce((n, u) => n + u.ballotsCast, 0), contests: withUndervotes(election, contests) };
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The results from the decrypted publication units. `stations` gives every station
 * that operated with its precinct and cast count (public in the verified logs).
 */
export function computeResults(
  election: RecordElection,
  guardians: readonly string[],
  units: readonly DecryptedUnit[],
  stations: readonly StationCount[],
): ElectionResults {
  const precinctOf = new Map(stations.map((s) => [s.stationId, s.precinctId]));
  const alone = units
    .filter((u) => u.unit.kind === 'station')
    .map((u) => ({
      stationId: u.unit.unitId,
      precinctId: precinctOf.get(u.unit.unitId) ?? '',
      ...unitResult(election, u),
    }))
    .sort((a, b) => byId(a.stationId, b.stationId));
  const merged: MergedResult[] = units
    .filter((u) => u.unit.kind !== 'station')
    .map((u) => ({
      unitId: u.unit.unitId,
      kind: u.unit.kind === 'precinct' ? 'precinct' : 'election',
      ...(u.unit.precinctId === undefined ? {} : { precinctId: u.unit.precinctId }),
      stations: u.unit.stationIds.map(
        (id) => stations.find((s) => s.stationId === id) ?? { stationId: id, precinctId: '', ballotsCast: 0 },
      ),
      ...unitResult(election, u),
    }));
  const acrossPrecincts = new Set(
    merged.filter((m) => m.kind === 'election').flatMap((m) => m.stations.map((s) => s.stationId)),
  );
  const precincts = election.definition.precincts
    .map((p) => {
      const members = stations
        .filter((s) => s.precinctId === p.id)
        .map((s) => s.stationId)
        .sort(byId);
      const parts: UnitResult[] = [
        ...alone.filter((s) => s.precinctId === p.id),
        ...merged.filter((m) => m.kind === 'precinct' && m.precinctId === p.id),
      ];
      return { precinctId: p.id, members, parts };
    })
    .filter((p) => p.members.length > 0 && !p.members.some((id) => acrossPrecincts.has(id)))
    .map((p) => ({ precinctId: p.precinctId, stations: p.members, ...sumUnits(election, p.parts) }));
  return {
    type: 'election-results',
    v: 2,
    specVersion: SPEC_VERSION,
    electionId: election.definition.electionId,
    baseHash: toBase64Url(election.baseHash),
    minimumPublishedCount: minimumPublishedCount(election.definition),
    guardians: [...guardians],
    stations: alone,
    merged,
    precincts,
    overall: sumUnits(election, [...alone, ...merged]),
  };
}

/** The first place where two results differ, as a path an observer can look up. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(expected, actual)
      ? undefined
      : `${path || '(root)'}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual))
    return `${path || '(root)'}: expected ${Array.isArray(expected) ? 'a list' : 'an object'}`;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const label = labelOf(expected, key);
    const difference = firstDifference(
      (expected as Record<string, unknown>)[key],
      (actual as Record<string, unknown>)[key],
      Array.isArray(expected) ? `${path}[${label}]` : path ? `${path}.${key}` : key,
    );
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/** Array items are named by their id when they have one, so the path reads "stations[station-1]". */
function labelOf(container: object, key: string): string {
  if (!Array.isArray(container)) return key;
  const item = container[Number(key)] as Record<string, unknown> | undefined;
  for (const field of ['unitId', 'stationId', 'precinctId', 'contestId', 'selectionId']) {
    if (item !== undefined && typeof item === 'object' && typeof item[field] === 'string') return item[field];
  }
  return key;
}
