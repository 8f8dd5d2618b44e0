/**
 * `urna lookup CODE --board URL`: a voter's receipt check from a terminal. The
 * board answers with the ballot's entry, inclusion proofs and the cosigned
 * checkpoint; this command believes none of it until core/board/confirmation.ts
 * has checked it against the package and the station's enrollment, themselves
 * checked against the election authority's key.
 */
import type { Command } from 'commander';
import {
  checkAnswer,
  combineAnswers,
  describeConfirmation,
  openBoardTrust,
  parseLookupCode,
  type BoardTrust,
  type CheckedAnswer,
  type LookupCode,
} from '../../core/board/confirmation';
import { formatBaseHashForDisplay } from '../../core/election/package';
import { ID_PATTERN } from '../../core/ids';
import { packageTrustFrom } from '../record/verifier';
import { CliError } from '../urna';

type LookupOptions = { board: string[]; authorityKey?: string; language?: string };

const TIMEOUT_MS = 15_000;

type Answer = { readonly status: number; readonly json: unknown };

async function get(board: URL, path: string): Promise<Answer> {
  const url = new URL(path, board);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new CliError(`the board at ${board.origin} did not answer ${url.pathname}: ${cause}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) as unknown };
  } catch {
    throw new CliError(`the board at ${board.origin} answered ${url.pathname} with HTTP ${response.status} and something that is not JSON`);
  }
}

function boardMessage(json: unknown): string {
  const error = (json as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? error.message : 'no message';
}

function parseBoard(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--board must be the board's address, like http://validator.example:8080 (got ${JSON.stringify(text)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--board must be an http:// or https:// address');
  return url;
}

function pathFor(code: LookupCode): string {
  return `/urna/v1/confirmation/${encodeURIComponent(code.kind === 'full' ? code.code : code.short)}`;
}

/** One board's verified answer, or why it gives none. */
type BoardResult = { readonly board: URL; readonly answer?: CheckedAnswer; readonly problem?: string; readonly ambiguous?: string };

async function askBoard(board: URL, code: LookupCode, trustOf: (stationId: string) => Promise<BoardTrust>): Promise<BoardResult> {
  try {
    const answer = await get(board, pathFor(code));
    if (answer.status === 404) return { board, problem: `has no ballot with this code (yet): ${boardMessage(answer.json)}` };
    if (answer.status === 300) {
      const matches = (answer.json as { matches?: { stationId: string; status: string }[] }).matches ?? [];
      return { board, ambiguous: `${boardMessage(answer.json)}\n${matches.map((m) => `  station ${m.stationId}: ${m.status}`).join('\n')}` };
    }
    if (answer.status !== 200) return { board, problem: `refused the lookup (HTTP ${answer.status}): ${boardMessage(answer.json)}` };
    const stationId = (answer.json as { stationId?: unknown }).stationId;
    if (typeof stationId !== 'string' || !ID_PATTERN.test(stationId)) return { board, problem: 'answered without a station id' };
    const { election, station } = await trustOf(stationId);
    const checked = checkAnswer(election, station, code, answer.json);
    if (!checked.ok) return { board, problem: `gave an answer whose ${checked.error.check} proof FAILED: ${checked.error.message}` };
    return { board, answer: checked.value };
  } catch (error) {
    return { board, problem: error instanceof Error ? error.message : String(error) };
  }
}

async function lookupCommand(codeText: string, options: LookupOptions): Promise<void> {
  const language = options.language ?? 'en';
  if (language !== 'en' && language !== 'ru') throw new CliError('--language must be en or ru');
  const code = parseLookupCode(codeText);
  if (!code.ok) throw new CliError(code.error);
  const boards = options.board.map(parseBoard);
  const [first] = boards;
  if (first === undefined) throw new CliError('give at least one --board');
  const packageTrust = packageTrustFrom(options.authorityKey);

  // The package and enrollments come from the first board, checked against the authority's key.
  const pkg = await get(first, '/urna/v1/election');
  if (pkg.status !== 200) throw new CliError(`the board at ${first.origin} did not serve the election package (HTTP ${pkg.status}): ${boardMessage(pkg.json)}`);
  const trusted = new Map<string, Promise<BoardTrust>>();
  const trustOf = (stationId: string): Promise<BoardTrust> => {
    const known = trusted.get(stationId);
    if (known !== undefined) return known;
    const opened = (async () => {
      const enrollment = await get(first, `/urna/v1/stations/${stationId}/enrollment`);
      if (enrollment.status !== 200) throw new CliError(`the board did not serve station ${stationId}'s enrollment (HTTP ${enrollment.status}): ${boardMessage(enrollment.json)}`);
      const trust = openBoardTrust(pkg.json, enrollment.json, packageTrust);
      if (!trust.ok) throw new CliError(`NOT CONFIRMED: ${trust.error}`);
      return trust.value;
    })();
    trusted.set(stationId, opened);
    return opened;
  };

  const results = await Promise.all(boards.map((board) => askBoard(board, code.value, trustOf)));
  const ambiguous = results.find((r) => r.ambiguous !== undefined)?.ambiguous;
  if (ambiguous !== undefined) throw new CliError(ambiguous);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const r of results) {
    out(r.answer === undefined ? `${r.board.origin}: ${r.problem ?? ''}` : `${r.board.origin}: verified (log of ${r.answer.checkpointSize} entries, cosigned by ${r.answer.cosigners.join(', ')})`);
  }
  const answers = results.flatMap((r) => (r.answer === undefined ? [] : [r.answer]));
  const failed = results.filter((r) => r.problem?.includes('FAILED') === true);
  if (answers.length === 0) {
    if (failed.length > 0) throw new CliError('NOT CONFIRMED: a board served proofs that do not verify');
    throw new CliError(`no board asked has a ballot with this code (yet)`);
  }
  const { election } = await trustOf((answers[0] as CheckedAnswer).stationId);
  const combined = combineAnswers(election, answers);
  if (!combined.ok) throw new CliError(`NOT CONFIRMED: ${combined.error.message}`);
  out(describeConfirmation(combined.value, language));
  out(
    packageTrust.authorityKey === 'self'
      ? `checked against the package the board serves (election ${election.definition.electionId}, base hash ${formatBaseHashForDisplay(election.baseHash)}): compare that base hash with the one the election authority publishes, or pass --authority-key`
      : `checked against the package signed by the authority key in ${options.authorityKey ?? ''} (election ${election.definition.electionId})`,
  );
  if (failed.length > 0) throw new CliError(`WARNING: ${failed.length} board(s) served proofs that do not verify (above); report this to the election authority`);
  if (!combined.value.confirmed) throw new CliError(`not yet confirmed by ${combined.value.threshold} validators: ask the other validators (--board for each)`, 2);
}

export function register(program: Command): void {
  program
    .command('lookup')
    .description("check a receipt's confirmation code on the bulletin board, verifying every board's proofs here")
    .argument('<code>', "the short code printed large on the receipt (like CMY3-8N13), the full code, or the URL of the receipt's QR code")
    .requiredOption('--board <url>', "a bulletin board's address (a validator of the election); repeat it for each validator to count their confirmations", (value: string, previous: string[] = []) => [...previous, value])
    .option('--authority-key <vkey-file>', "the election authority's verifier key, obtained independently (default: the key the board's package names)")
    .option('--language <en|ru>', 'the language of the result line', 'en')
    .action((code: string, options: LookupOptions) => lookupCommand(code, options));
}
