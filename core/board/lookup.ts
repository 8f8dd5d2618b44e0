/**
 * The whole receipt check, from what the voter typed to what they are told: the
 * same steps for `urna lookup` in a terminal and the bulletin-board page in a
 * browser, each handing in its own way of fetching JSON. Every board is asked;
 * each answer is verified on its own (confirmation.ts); the verified answers are
 * put together and the distinct validators that confirm the ballot are counted.
 */
import type { BallotView } from '../api/ballot';
import { parseChallengedBallot, parseEncryptedBallot } from '../ballot';
import { verifyChallengedBallot } from '../ballot/challenge';
import { ballotViewFor } from '../election/ballot-view';
import type { PackageTrust } from '../election/package';
import { ID_PATTERN } from '../ids';
import type { RecordElection, RecordStation } from '../record/election';
import { err, ok, type Result } from '../result';
import {
  checkAnswer,
  combineAnswers,
  openBoardTrust,
  parseLookupCode,
  type BoardTrust,
  type CheckedAnswer,
  type ConfirmedBallot,
  type LookupCode,
} from './confirmation';

/** GETs `path` from `board` as JSON; throws (with a plain message) when the board cannot be reached or answers something else. */
export type BoardFetcher = (
  board: string,
  path: string,
) => Promise<{ readonly status: number; readonly json: unknown }>;

export type BoardOutcome =
  | { readonly board: string; readonly kind: 'verified'; readonly answer: CheckedAnswer }
  | { readonly board: string; readonly kind: 'not-found' | 'refused' | 'unreachable'; readonly message: string }
  /** The board's answer did not verify: a board that lies, or a broken one. */
  | { readonly board: string; readonly kind: 'proof-failed'; readonly check: string; readonly message: string }
  | {
      readonly board: string;
      readonly kind: 'ambiguous';
      readonly message: string;
      readonly matches: readonly { stationId: string; status: string }[];
    };

/** One contest of a challenged ballot, as the station encrypted it and the checker recomputed it. */
export type ChallengedContest = {
  readonly title: BallotView['contests'][number]['title'];
  readonly choices: readonly BallotView['contests'][number]['options'][number]['label'][];
};

export type LookupResult =
  | { readonly kind: 'bad-code'; readonly message: string }
  | { readonly kind: 'no-trust'; readonly message: string }
  | {
      readonly kind: 'ambiguous';
      readonly message: string;
      readonly matches: readonly { stationId: string; status: string }[];
    }
  | { readonly kind: 'not-found'; readonly boards: readonly BoardOutcome[] }
  | { readonly kind: 'not-confirmed'; readonly message: string; readonly boards: readonly BoardOutcome[] }
  | {
      readonly kind: 'checked';
      readonly confirmed: ConfirmedBallot;
      readonly boards: readonly BoardOutcome[];
      readonly trust: BoardTrust;
      /** For a challenged ballot: the choices recomputed from the published plaintext and nonce, or why they do not recompute. */
      readonly challenge?: Result<readonly ChallengedContest[], string>;
    };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function boardMessage(json: unknown): string {
  const error = (json as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? error.message : 'no message';
}

function pathFor(code: LookupCode): string {
  return `/urna/v1/confirmation/${encodeURIComponent(code.kind === 'full' ? code.code : code.short)}`;
}

async function askBoard(
  board: string,
  code: LookupCode,
  fetcher: BoardFetcher,
  trustOf: (stationId: string) => Promise<BoardTrust>,
): Promise<BoardOutcome> {
  let answer: { status: number; json: unknown };
  try {
    answer = await fetcher(board, pathFor(code));
  } catch (error) {
    return { board, kind: 'unreachable', message: message(error) };
  }
  if (answer.status === 404) return { board, kind: 'not-found', message: boardMessage(answer.json) };
  if (answer.status === 300) {
    const matches = (answer.json as { matches?: { stationId: string; status: string }[] } | null)?.matches ?? [];
    return { board, kind: 'ambiguous', message: boardMessage(answer.json), matches };
  }
  if (answer.status !== 200)
    return { board, kind: 'refused', message: `HTTP ${answer.status}: ${boardMessage(answer.json)}` };
  const stationId = (answer.json as { stationId?: unknown } | null)?.stationId;
  if (typeof stationId !== 'string' || !ID_PATTERN.test(stationId))
    return { board, kind: 'proof-failed', check: 'answer', message: 'the answer names no station' };
  let trust: BoardTrust;
  try {
    trust = await trustOf(stationId);
  } catch (error) {
    return { board, kind: 'refused', message: message(error) };
  }
  const checked = checkAnswer(trust.election, trust.station, code, answer.json);
  if (!checked.ok) return { board, kind: 'proof-failed', check: checked.error.check, message: checked.error.message };
  return { board, kind: 'verified', answer: checked.value };
}

/** The choices a challenged ballot's published plaintext and nonce give, checked against its encryption. */
export function recomputeChallenge(
  election: RecordElection,
  station: RecordStation,
  entryText: string,
): Result<readonly ChallengedContest[], string> {
  let entry: { ballotStyleId?: unknown; ballot?: unknown; challenge?: unknown };
  try {
    entry = JSON.parse(entryText) as typeof entry;
  } catch {
    return err('the entry is not JSON');
  }
  const styleId = typeof entry.ballotStyleId === 'string' ? entry.ballotStyleId : '';
  const manifest = election.manifests.get(styleId);
  const view = ballotViewFor(election.definition, styleId);
  const encrypted = parseEncryptedBallot(entry.ballot);
  const challenge = parseChallengedBallot(entry.challenge);
  if (manifest === undefined || view === undefined || !station.ballotStyleIds.has(styleId))
    return err(`ballot style ${styleId} is not one of this station's`);
  if (!encrypted.ok || !challenge.ok) return err('the challenged ballot is malformed');
  const verified = verifyChallengedBallot(
    election.context,
    manifest,
    { stationId: station.stationId, ballotStyleId: styleId },
    encrypted.value,
    challenge.value,
  );
  if (!verified.ok)
    return err(`the published choices do not recompute the encrypted ballot (check ${verified.error.check})`);
  const chosen = challenge.value.choices as Readonly<Record<string, readonly string[]>>;
  return ok(
    view.contests.map((contest) => ({
      title: contest.title,
      choices: contest.options
        .filter((o) => (chosen[contest.contestId] ?? []).includes(o.selectionId))
        .map((o) => o.label),
    })),
  );
}

/**
 * Looks `codeText` up on every board of `boards`. The package and the station's
 * enrollment come from the first board and are verified under `trust` (the
 * authority's key, or the key the package names); a board that answers with a
 * proof that fails is named and never counted.
 */
export async function lookUpReceipt(
  codeText: string,
  boards: readonly string[],
  trust: PackageTrust,
  fetcher: BoardFetcher,
): Promise<LookupResult> {
  const code = parseLookupCode(codeText);
  if (!code.ok) return { kind: 'bad-code', message: code.error };
  const [first] = boards;
  if (first === undefined) return { kind: 'no-trust', message: 'no board to ask' };

  let packageJson: Promise<unknown> | undefined;
  const trusted = new Map<string, Promise<BoardTrust>>();
  const trustOf = (stationId: string): Promise<BoardTrust> => {
    const known = trusted.get(stationId);
    if (known !== undefined) return known;
    packageJson ??= fetcher(first, '/urna/v1/election').then((answer) => {
      if (answer.status !== 200)
        throw new Error(`the board did not serve the election package (HTTP ${answer.status})`);
      return answer.json;
    });
    const pkg = packageJson;
    const opened = (async () => {
      const enrollment = await fetcher(first, `/urna/v1/stations/${stationId}/enrollment`);
      if (enrollment.status !== 200)
        throw new Error(`the board did not serve station ${stationId}'s enrollment (HTTP ${enrollment.status})`);
      const opened = openBoardTrust(await pkg, enrollment.json, trust);
      if (!opened.ok) throw new Error(opened.error);
      return opened.value;
    })();
    trusted.set(stationId, opened);
    return opened;
  };

  const outcomes = await Promise.all(boards.map((board) => askBoard(board, code.value, fetcher, trustOf)));
  const ambiguous = outcomes.find((o) => o.kind === 'ambiguous');
  if (ambiguous !== undefined) return { kind: 'ambiguous', message: ambiguous.message, matches: ambiguous.matches };
  const answers = outcomes.flatMap((o) => (o.kind === 'verified' ? [o.answer] : []));
  const [firstAnswer] = answers;
  if (firstAnswer === undefined) {
    const failed = outcomes.find(
      (o): o is Extract<BoardOutcome, { kind: 'proof-failed' | 'refused' }> =>
        o.kind === 'proof-failed' || o.kind === 'refused',
    );
    return failed === undefined
      ? { kind: 'not-found', boards: outcomes }
      : { kind: 'not-confirmed', message: failed.message, boards: outcomes };
  }
  const boardTrust = await trustOf(firstAnswer.stationId);
  const combined = combineAnswers(boardTrust.election, answers);
  if (!combined.ok) return { kind: 'not-confirmed', message: combined.error.message, boards: outcomes };
  const challenge =
    combined.value.status === 'challenged'
      ? recomputeChallenge(boardTrust.election, boardTrust.station, firstAnswer.entry)
      : undefined;
  return {
    kind: 'checked',
    confirmed: combined.value,
    boards: outcomes,
    trust: boardTrust,
    ...(challenge === undefined ? {} : { challenge }),
  };
}
