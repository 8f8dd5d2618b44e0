/**
 * results.json: the decrypted totals per station, per precinct and overall, with
 * for every contest the number of cast ballots that carried it and the undervotes.
 * It is a pure function of the verified station totals and the ballot styles of the
 * cast ballots (public in the log), so the verifier recomputes it and compares.
 */
import { toBase64Url } from '../encoding/bytes';
import { contestLimit } from '../election/definition';
import type { PlaintextTally } from '../ballot';
import type { RecordElection } from './election';

export type ContestResult = {
  readonly contestId: string;
  /** Cast ballots whose style carries this contest. */
  readonly ballots: number;
  readonly undervotes: number;
  readonly selections: readonly { readonly selectionId: string; readonly count: number }[];
};

export type UnitResult = { readonly ballotsCast: number; readonly contests: readonly ContestResult[] };

export type ElectionResults = {
  readonly type: 'election-results';
  readonly v: 1;
  readonly electionId: string;
  readonly baseHash: string;
  /** Guardians whose partial decryptions were combined. */
  readonly guardians: readonly string[];
  readonly stations: readonly (UnitResult & { readonly stationId: string; readonly precinctId: string })[];
  readonly precincts: readonly (UnitResult & { readonly precinctId: string; readonly stations: readonly string[] })[];
  readonly overall: UnitResult;
};

export type DecryptedStation = {
  readonly stationId: string;
  readonly precinctId: string;
  /** Cast ballots per ballot style. */
  readonly castByStyle: ReadonlyMap<string, number>;
  readonly totals: PlaintextTally;
};

function stationResult(election: RecordElection, station: DecryptedStation): UnitResult {
  const contests = station.totals.contests.map((contest) => {
    let ballots = 0;
    for (const [styleId, n] of station.castByStyle) {
      if (election.manifests.get(styleId)?.contests.some((c) => c.contestId === contest.contestId) === true) ballots += n;
    }
    return { contestId: contest.contestId, ballots, selections: contest.selections.map((s) => ({ selectionId: s.selectionId, count: s.count })) };
  });
  return { ballotsCast: station.totals.ballotCount, contests: withUndervotes(election, contests) };
}

function withUndervotes(election: RecordElection, contests: readonly Omit<ContestResult, 'undervotes'>[]): ContestResult[] {
  return contests.map((c) => {
    const definition = election.definition.contests.find((d) => d.id === c.contestId);
    const limit = definition === undefined ? 0 : contestLimit(definition);
    const marked = c.selections.reduce((sum, s) => sum + s.count, 0);
    return { contestId: c.contestId, ballots: c.ballots, undervotes: c.ballots * limit - marked, selections: c.selections };
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
      return { contestId: c.id, ballots: sum.ballots, selections: sum.order.map((selectionId) => ({ selectionId, count: sum.counts.get(selectionId) ?? 0 })) };
    });
  return { ballotsCast: units.reduce((n, u) => n + u.ballotsCast, 0), contests: withUndervotes(election, contests) };
}

export function computeResults(election: RecordElection, guardians: readonly string[], stations: readonly DecryptedStation[]): ElectionResults {
  const sorted = [...stations].sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0));
  const stationResults = sorted.map((s) => ({ stationId: s.stationId, precinctId: s.precinctId, ...stationResult(election, s) }));
  const precincts = election.definition.precincts
    .map((p) => {
      const members = stationResults.filter((s) => s.precinctId === p.id);
      return { precinctId: p.id, stations: members.map((s) => s.stationId), ...sumUnits(election, members) };
    })
    .filter((p) => p.stations.length > 0);
  return {
    type: 'election-results',
    v: 1,
    electionId: election.definition.electionId,
    baseHash: toBase64Url(election.baseHash),
    guardians: [...guardians],
    stations: stationResults,
    precincts,
    overall: sumUnits(election, stationResults),
  };
}

/** The first place where two results differ, as a path an observer can look up. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(expected, actual) ? undefined : `${path || '(root)'}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${path || '(root)'}: expected ${Array.isArray(expected) ? 'a list' : 'an object'}`;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const label = labelOf(expected, key);
    const difference = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], Array.isArray(expected) ? `${path}[${label}]` : path ? `${path}.${key}` : key);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/** Array items are named by their id when they have one, so the path reads "stations[station-1]". */
function labelOf(container: object, key: string): string {
  if (!Array.isArray(container)) return key;
  const item = container[Number(key)] as Record<string, unknown> | undefined;
  for (const field of ['stationId', 'precinctId', 'contestId', 'selectionId']) {
    if (item !== undefined && typeof item === 'object' && typeof item[field] === 'string') return item[field];
  }
  return key;
}
