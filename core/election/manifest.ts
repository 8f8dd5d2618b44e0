/**
 * The bridge from the election definition to the ballot cryptography: for one
 * ballot style, the contests in ballot order with their limits and selections.
 */
import { checkManifest, type BallotManifest } from '../ballot/manifest';
import type { BallotStyleId } from '../ids';
import { err, ok, type Result } from '../result';
import { contestLimit, contestSelectionIds, findBallotStyle, findContest, type ElectionDefinition } from './definition';

export type ManifestError =
  | { readonly kind: 'unknown-ballot-style'; readonly ballotStyleId: string }
  /** Cannot happen for a definition that passed parseElectionDefinition. */
  | { readonly kind: 'inconsistent-definition'; readonly reason: string };

export function toBallotManifest(
  definition: ElectionDefinition,
  ballotStyleId: BallotStyleId | string,
): Result<BallotManifest, ManifestError> {
  const style = findBallotStyle(definition, ballotStyleId);
  if (style === undefined) return err({ kind: 'unknown-ballot-style', ballotStyleId });
  const contests = [];
  for (const contestId of style.contestIds) {
    const contest = findContest(definition, contestId);
    if (contest === undefined)
      return err({ kind: 'inconsistent-definition', reason: `contest ${contestId} is not defined` });
    contests.push({ contestId: contest.id, limit: contestLimit(contest), selections: contestSelectionIds(contest) });
  }
  const manifest: BallotManifest = { contests };
  const checked = checkManifest(manifest);
  if (!checked.ok) return err({ kind: 'inconsistent-definition', reason: checked.error.problem });
  return ok(manifest);
}
