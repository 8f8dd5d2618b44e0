/**
 * The ballot as the voter's screens see it, the voter's marks, and the contest
 * rules both sides apply to those marks. The renderer applies them to stop an
 * overvote before it happens; main applies them again to whatever the untrusted
 * renderer sends before anything is encrypted. One function, so the two agree.
 */
import { base32crockford } from '@scure/base';
import type { Bytes } from '../encoding/bytes';

/** Text in both languages of the kiosk. */
export type LocalizedText = { readonly ru: string; readonly en: string };

export type BallotOptionView = {
  readonly selectionId: string;
  /** A candidate's name, or a yes/no label. */
  readonly label: LocalizedText;
  /** A candidate's party or "self-nominated"; null for yes/no options and write-in lines. */
  readonly detail: LocalizedText | null;
  /** A write-in line: the voter types the name. */
  readonly writeIn: boolean;
};

export type ContestView = {
  readonly kind: 'candidate' | 'yes-no';
  readonly contestId: string;
  readonly title: LocalizedText;
  /** The district line of a candidate contest, or the full question of a yes/no contest. */
  readonly description: LocalizedText;
  /** Most options the voter may mark. */
  readonly limit: number;
  /** In ballot order: candidates, then write-in lines; or yes, then no. */
  readonly options: readonly BallotOptionView[];
};

export type BallotView = {
  readonly electionTitle: LocalizedText;
  readonly ballotStyleId: string;
  readonly contests: readonly ContestView[];
};

/**
 * What the voter marked. A contest that is missing or empty is left blank
 * (an undervote). Write-in names are keyed by contest, then by the write-in
 * line's selection id; a name exists only for a marked write-in line.
 */
export type BallotMarks = {
  readonly selections: Readonly<Record<string, readonly string[]>>;
  readonly writeIns: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

export const WRITE_IN_MAX_LENGTH = 40;

/**
 * Letters of the Russian and English alphabets, spaces, hyphens, apostrophes and
 * full stops: enough for any name, and every one of them prints in CP866.
 */
const WRITE_IN_TEXT = /^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё '.-]*$/u;

/** The write-in name as it will be printed: spaces collapsed, trimmed. */
export function normalizeWriteIn(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

export function isValidWriteIn(text: string): boolean {
  const name = normalizeWriteIn(text);
  return name.length > 0 && name.length <= WRITE_IN_MAX_LENGTH && WRITE_IN_TEXT.test(name);
}

export type MarkProblem =
  | { readonly problem: 'unknown-contest'; readonly contestId: string }
  | { readonly problem: 'unknown-selection'; readonly contestId: string; readonly selectionId: string }
  | { readonly problem: 'duplicate-selection'; readonly contestId: string; readonly selectionId: string }
  | { readonly problem: 'overvote'; readonly contestId: string; readonly marked: number; readonly limit: number }
  | { readonly problem: 'write-in-missing'; readonly contestId: string; readonly selectionId: string }
  | { readonly problem: 'write-in-invalid'; readonly contestId: string; readonly selectionId: string }
  | { readonly problem: 'write-in-unmarked'; readonly contestId: string; readonly selectionId: string };

/** Every way the marks break the contest rules; empty when they may be encrypted. */
export function checkMarks(ballot: BallotView, marks: BallotMarks): MarkProblem[] {
  const problems: MarkProblem[] = [];
  const contests = new Map(ballot.contests.map((c) => [c.contestId, c]));
  for (const contestId of Object.keys(marks.selections)) {
    if (!contests.has(contestId)) problems.push({ problem: 'unknown-contest', contestId });
  }
  for (const contestId of Object.keys(marks.writeIns)) {
    if (!contests.has(contestId)) problems.push({ problem: 'unknown-contest', contestId });
  }
  for (const contest of ballot.contests) {
    const marked = Object.hasOwn(marks.selections, contest.contestId)
      ? (marks.selections[contest.contestId] ?? [])
      : [];
    const names = Object.hasOwn(marks.writeIns, contest.contestId) ? (marks.writeIns[contest.contestId] ?? {}) : {};
    const options = new Map(contest.options.map((o) => [o.selectionId, o]));
    const seen = new Set<string>();
    for (const selectionId of marked) {
      const option = options.get(selectionId);
      if (option === undefined) {
        problems.push({ problem: 'unknown-selection', contestId: contest.contestId, selectionId });
        continue;
      }
      if (seen.has(selectionId)) {
        problems.push({ problem: 'duplicate-selection', contestId: contest.contestId, selectionId });
        continue;
      }
      seen.add(selectionId);
      if (option.writeIn) {
        const name = Object.hasOwn(names, selectionId) ? names[selectionId] : undefined;
        if (name === undefined || normalizeWriteIn(name) === '')
          problems.push({ problem: 'write-in-missing', contestId: contest.contestId, selectionId });
        else if (!isValidWriteIn(name))
          problems.push({ problem: 'write-in-invalid', contestId: contest.contestId, selectionId });
      }
    }
    for (const selectionId of Object.keys(names)) {
      if (!seen.has(selectionId))
        problems.push({ problem: 'write-in-unmarked', contestId: contest.contestId, selectionId });
    }
    if (seen.size > contest.limit)
      problems.push({ problem: 'overvote', contestId: contest.contestId, marked: seen.size, limit: contest.limit });
  }
  return problems;
}

export function marksIn(marks: BallotMarks, contestId: string): readonly string[] {
  return Object.hasOwn(marks.selections, contestId) ? (marks.selections[contestId] ?? []) : [];
}

/** Contests where the voter marked fewer options than allowed (blank ones included). */
export function undervotedContests(ballot: BallotView, marks: BallotMarks): ContestView[] {
  return ballot.contests.filter((contest) => marksIn(marks, contest.contestId).length < contest.limit);
}

export const EMPTY_MARKS: BallotMarks = { selections: {}, writeIns: {} };

/**
 * The short confirmation code printed large on the receipt and shown on screen:
 * the first 40 bits of the code in Crockford base32 (no I, L, O or U to misread),
 * as two groups of four. The QR code beside it carries the whole code.
 */
export function shortConfirmationCode(code: Bytes): string {
  const text = base32crockford.encode(code.slice(0, 5));
  return `${text.slice(0, 4)}-${text.slice(4, 8)}`;
}
