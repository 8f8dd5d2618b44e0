/**
 * What the audio ballot says, as lists of phrase names (core/audio/phrases.ts):
 * the player turns each name into a signed clip of the loaded package. Messages
 * with placeholders are said piece by piece, with numbers, spelled characters or
 * contest titles in the gaps.
 */
import type { BallotMarks, ContestView } from '../../../core/api/ballot';
import { marksIn } from '../../../core/api/ballot';
import type { Language, VoterScreen } from '../../../core/api/station-api';
import {
  characterPhrase,
  contestDescriptionPhrase,
  contestTitlePhrase,
  messageParts,
  numberPhrases,
  optionPhrase,
} from '../../../core/audio/phrases';
import type { MessageKey } from '../../../core/i18n/messages';

export type Utterance = readonly string[];

/** A message, its placeholders filled with the given phrases. */
export function say(
  key: MessageKey,
  language: Language,
  slots: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  return messageParts(key, language).flatMap((part) =>
    'text' in part ? [part.phrase] : [...(slots[part.slot] ?? [])],
  );
}

/** A code or a name, one character at a time (letters the package has no clip for are left out). */
export function spell(text: string): string[] {
  return [...text].filter((c) => /[\p{L}\p{N} '.-]/u.test(c)).map((c) => characterPhrase(c === 'Ё' ? 'Ё' : c));
}

export function number(n: number): string[] {
  return numberPhrases(n);
}

/** A candidate, a yes/no answer, or a write-in line with the name typed on it. */
export function optionSpeech(
  contest: ContestView,
  selectionId: string,
  marks: BallotMarks,
  language: Language,
): string[] {
  const option = contest.options.find((o) => o.selectionId === selectionId);
  if (option === undefined) return [];
  if (!option.writeIn) return [optionPhrase(contest.contestId, selectionId)];
  const name = marks.writeIns[contest.contestId]?.[selectionId];
  return name === undefined
    ? say('contest.writeIn.empty', language)
    : say('review.writeIn', language, { name: spell(name) });
}

function remainingSpeech(contest: ContestView, marks: BallotMarks, language: Language): string[] {
  const remaining = contest.limit - marksIn(marks, contest.contestId).length;
  if (remaining > 0) return say('contest.remaining', language, { remaining: number(remaining) });
  return say(contest.limit === 1 ? 'contest.chosenOne' : 'contest.remaining.none', language);
}

export function contestSpeech(
  contest: ContestView,
  index: number,
  total: number,
  marks: BallotMarks,
  language: Language,
): string[] {
  return [
    ...say('nav.progress', language, { n: number(index + 1), total: number(total) }),
    contestTitlePhrase(contest.contestId),
    contestDescriptionPhrase(contest.contestId),
    ...(contest.limit === 1
      ? say('contest.voteForOne', language)
      : say('contest.voteFor', language, { limit: number(contest.limit) })),
    ...remainingSpeech(contest, marks, language),
  ];
}

/** After the voter marks or unmarks an option: what it is now, and what is left. */
export function markSpeech(
  contest: ContestView,
  selectionId: string,
  marks: BallotMarks,
  language: Language,
  overvote: boolean,
): string[] {
  if (overvote) return say('contest.overvote', language, { limit: number(contest.limit) });
  const isMarked = marksIn(marks, contest.contestId).includes(selectionId);
  return [
    ...optionSpeech(contest, selectionId, marks, language),
    ...say(isMarked ? 'audio.marked' : 'audio.unmarked', language),
    ...remainingSpeech(contest, marks, language),
  ];
}

/** One contest as the review reads it: its title, then each choice, or "no choice made". */
export function reviewContestSpeech(contest: ContestView, marks: BallotMarks, language: Language): string[] {
  const marked = marksIn(marks, contest.contestId);
  return [
    contestTitlePhrase(contest.contestId),
    ...(marked.length === 0
      ? say('review.none', language)
      : marked.flatMap((id) => optionSpeech(contest, id, marks, language))),
  ];
}

export function reviewSpeech(contests: readonly ContestView[], marks: BallotMarks, language: Language): string[] {
  return [
    ...say('review.heading', language),
    ...say('review.intro', language),
    ...contests.flatMap((c) => reviewContestSpeech(c, marks, language)),
    ...say('review.submit', language),
  ];
}

export function undervoteSpeech(contests: readonly ContestView[], language: Language): string[] {
  return [
    ...say('review.undervote.heading', language),
    ...say('review.undervote.body', language, { contests: contests.map((c) => contestTitlePhrase(c.contestId)) }),
    ...say('review.undervote.confirm', language),
  ];
}

/** What each screen of the session's later phases says when it appears. */
export function phaseSpeech(session: VoterScreen['session'], language: Language): string[] {
  switch (session.phase) {
    case 'committed':
      return [
        ...say('confirm.heading', language),
        ...spell(session.code.short),
        ...say('confirm.explain', language),
        ...say('confirm.cast', language),
        ...say('confirm.challenge', language),
      ];
    case 'printing':
      return [...say('printing.heading', language), ...say(`printing.${session.document}`, language)];
    case 'print-failed':
      return [...say('failed.heading', language), ...say('failed.body', language)];
    case 'recording-failed':
      return [...say('recording.heading', language), ...say('recording.body', language)];
    case 'cast':
      return [
        ...say('done.heading', language),
        ...say('done.body', language),
        ...say('done.code', language, { code: spell(session.code.short) }),
        ...say('audio.help.done', language),
      ];
    case 'marking':
    case 'none':
      return [];
  }
}

/** The refusals a voter can meet on the screens (a ballot not prepared, not recorded, not finished), by message. */
export const VOTER_ERRORS = ['review.error', 'confirm.error', 'error.generic'] as const satisfies readonly MessageKey[];
export type VoterError = (typeof VOTER_ERRORS)[number];

/** A refusal, said as the screen shows it; the voter stays on the screen, which says how to go on. */
export function errorSpeech(error: VoterError, language: Language): string[] {
  return say(error, language);
}

export function inactivitySpeech(seconds: number, language: Language): string[] {
  return [
    ...say('inactivity.heading', language),
    ...say('inactivity.body', language, { seconds: number(seconds) }),
    ...say('inactivity.continue', language),
  ];
}
