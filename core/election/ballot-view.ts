/**
 * The voter's ballot for one ballot style, built from the election definition:
 * contests in ballot order, each option with its label in both languages. The
 * order of options is the definition's, so the screen, the paper record and the
 * encrypted ballot (core/election/manifest.ts) list selections the same way.
 */
import type { BallotView, ContestView, LocalizedText } from '../api/ballot';
import {
  contestLimit,
  contestSelectionIds,
  findBallotStyle,
  findContest,
  WRITE_IN_PREFIX,
  type ElectionDefinition,
} from './definition';
import { translate } from '../i18n/messages';
import { assertNever } from '../result';

function both(make: (language: 'ru' | 'en') => string): LocalizedText {
  return { ru: make('ru'), en: make('en') };
}

function contestView(definition: ElectionDefinition, contestId: string): ContestView {
  const contest = findContest(definition, contestId);
  if (contest === undefined)
    throw new Error(`invariant failed: contest ${contestId} of a verified definition is missing`);
  switch (contest.type) {
    case 'candidate': {
      const candidates = new Map(definition.candidates.map((c) => [c.id as string, c]));
      const options = contestSelectionIds(contest).map((selectionId) => {
        if (selectionId.startsWith(WRITE_IN_PREFIX)) {
          const line = Number(selectionId.slice(WRITE_IN_PREFIX.length));
          return {
            selectionId,
            label: both((l) => translate(l, 'ballot.writeInLine', { n: line })),
            detail: null,
            writeIn: true,
          };
        }
        const candidate = candidates.get(selectionId);
        if (candidate === undefined)
          throw new Error(`invariant failed: candidate ${selectionId} of a verified definition is missing`);
        return { selectionId, label: candidate.name, detail: candidate.affiliation, writeIn: false };
      });
      return {
        kind: 'candidate',
        contestId,
        title: contest.title,
        description: contest.subtitle,
        limit: contestLimit(contest),
        options,
      };
    }
    case 'yes-no':
      return {
        kind: 'yes-no',
        contestId,
        title: contest.title,
        description: contest.question,
        limit: contestLimit(contest),
        options: [contest.yes, contest.no].map((o) => ({
          selectionId: o.id,
          label: o.label,
          detail: null,
          writeIn: false,
        })),
      };
    default:
      return assertNever(contest, 'contest');
  }
}

/** The ballot of one style, or undefined when the election has no such style. */
export function ballotViewFor(definition: ElectionDefinition, ballotStyleId: string): BallotView | undefined {
  const style = findBallotStyle(definition, ballotStyleId);
  if (style === undefined) return undefined;
  return {
    electionTitle: definition.title,
    ballotStyleId,
    contests: style.contestIds.map((id) => contestView(definition, id)),
  };
}
