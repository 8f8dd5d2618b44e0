/**
 * What the ballot cryptography needs to know about an election: for one ballot style,
 * the contests in order, each with its selection limit and ordered selections. The
 * election package maps its richer definition (titles, candidates, styles) onto this.
 */
import type { Brand, ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';

/** A ballot's own id: printed on the paper record, bound into every proof. */
export type BallotId = Brand<string, 'BallotId'>;
export const BALLOT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type ContestManifest = {
  readonly contestId: ContestId;
  /** Most selections a voter may mark (undervotes are allowed). */
  readonly limit: number;
  readonly selections: readonly SelectionId[];
};

export type BallotManifest = {
  readonly contests: readonly ContestManifest[];
};

/** Largest limit accepted: the range proof has limit+1 branches per contest. */
export const MAX_CONTEST_LIMIT = 64;

export type ManifestProblem =
  | { readonly problem: 'no-contests' }
  | { readonly problem: 'duplicate-contest'; readonly contestId: ContestId }
  | { readonly problem: 'no-selections'; readonly contestId: ContestId }
  | { readonly problem: 'duplicate-selection'; readonly contestId: ContestId; readonly selectionId: SelectionId }
  | { readonly problem: 'bad-limit'; readonly contestId: ContestId };

export function checkManifest(manifest: BallotManifest): Result<void, ManifestProblem> {
  if (manifest.contests.length === 0) return err({ problem: 'no-contests' });
  const contests = new Set<string>();
  for (const contest of manifest.contests) {
    if (contests.has(contest.contestId)) return err({ problem: 'duplicate-contest', contestId: contest.contestId });
    contests.add(contest.contestId);
    if (contest.selections.length === 0) return err({ problem: 'no-selections', contestId: contest.contestId });
    if (
      !Number.isInteger(contest.limit) ||
      contest.limit < 1 ||
      contest.limit > Math.min(MAX_CONTEST_LIMIT, contest.selections.length)
    ) {
      return err({ problem: 'bad-limit', contestId: contest.contestId });
    }
    const selections = new Set<string>();
    for (const selectionId of contest.selections) {
      if (selections.has(selectionId))
        return err({ problem: 'duplicate-selection', contestId: contest.contestId, selectionId });
      selections.add(selectionId);
    }
  }
  return ok();
}
