/**
 * `urna lookup CODE --board URL [--board URL …]`: a voter's receipt check from a
 * terminal. The boards answer with the ballot's entry, inclusion proofs and
 * cosigned checkpoints; none of it is believed until core/board/lookup.ts has
 * checked it against the package and the station's enrollment, themselves checked
 * against the election authority's key. The bulletin-board page runs the same code.
 */
import type { Command } from 'commander';
import { describeConfirmation } from '../../core/board/confirmation';
import { lookUpReceipt, type BoardFetcher, type BoardOutcome } from '../../core/board/lookup';
import { formatBaseHashForDisplay } from '../../core/election/package';
import { packageTrustFrom } from '../record/verifier';
import { CliError } from '../urna';

type LookupOptions = { board: string[]; authorityKey?: string; language?: string };

const TIMEOUT_MS = 15_000;

const fetchJson: BoardFetcher = async (board, path) => {
  const url = new URL(path.replace(/^\//, ''), board);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
          ? error.message
          : String(error);
    throw new Error(`no answer to ${url.pathname}: ${cause}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) as unknown };
  } catch {
    throw new Error(`answered ${url.pathname} with HTTP ${response.status} and something that is not JSON`);
  }
};

function parseBoard(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(
      `--board must be the board's address, like http://validator.example:8080 (got ${JSON.stringify(text)})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError('--board must be an http:// or https:// address');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function describeOutcome(outcome: BoardOutcome): string {
  switch (outcome.kind) {
    case 'verified':
      return `${outcome.board}: verified (log of ${outcome.answer.checkpointSize} entries, cosigned by ${outcome.answer.cosigners.join(', ')})`;
    case 'not-found':
      return `${outcome.board}: has no ballot with this code (yet)`;
    case 'proof-failed':
      return `${outcome.board}: gave an answer whose ${outcome.check} proof FAILED: ${outcome.message}`;
    case 'refused':
    case 'unreachable':
      return `${outcome.board}: ${outcome.message}`;
    case 'ambiguous':
      return `${outcome.board}: ${outcome.message}`;
  }
}

async function lookupCommand(codeText: string, options: LookupOptions): Promise<void> {
  const language = options.language ?? 'en';
  if (language !== 'en' && language !== 'ru') throw new CliError('--language must be en or ru');
  const boards = options.board.map(parseBoard);
  const trust = packageTrustFrom(options.authorityKey);
  const result = await lookUpReceipt(codeText, boards, trust, fetchJson);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (result.kind === 'bad-code' || result.kind === 'no-trust') throw new CliError(result.message);
  if (result.kind === 'ambiguous')
    throw new CliError(
      `${result.message}\n${result.matches.map((m) => `  station ${m.stationId}: ${m.status}`).join('\n')}`,
    );
  for (const outcome of result.boards) out(describeOutcome(outcome));
  const failed = result.boards.filter((o) => o.kind === 'proof-failed').length;
  if (result.kind === 'not-found') throw new CliError('no board asked has a ballot with this code (yet)');
  if (result.kind === 'not-confirmed')
    throw new CliError(`NOT CONFIRMED: ${failed > 0 ? 'a board served proofs that do not verify' : result.message}`);

  const { confirmed, trust: boardTrust } = result;
  out(describeConfirmation(confirmed, language));
  if (result.challenge !== undefined) {
    if (!result.challenge.ok) throw new CliError(`NOT CONFIRMED: ${result.challenge.error}`);
    out(
      language === 'ru'
        ? 'Выбор, зашифрованный участком (пересчитан здесь):'
        : 'The choices the station encrypted (recomputed here):',
    );
    for (const contest of result.challenge.value)
      out(`  ${contest.title[language]}: ${contest.choices.map((c) => c[language]).join('; ') || '—'}`);
  }
  const { election } = boardTrust;
  out(
    trust.authorityKey === 'self'
      ? `checked against the package the board serves (election ${election.definition.electionId}, base hash ${formatBaseHashForDisplay(election.baseHash)}): compare that base hash with the one the election authority publishes, or pass --authority-key`
      : `checked against the package signed by the authority key in ${options.authorityKey ?? ''} (election ${election.definition.electionId})`,
  );
  if (failed > 0)
    throw new CliError(
      `WARNING: ${failed} board(s) served proofs that do not verify (above); report this to the election authority`,
    );
  if (!confirmed.confirmed)
    throw new CliError(
      `not yet confirmed by ${confirmed.threshold} validators: ask the other validators (--board for each)`,
      2,
    );
}

export function register(program: Command): void {
  program
    .command('lookup')
    .description("check a receipt's confirmation code on the bulletin board, verifying every board's proofs here")
    .argument(
      '<code>',
      "the short code printed large on the receipt (like CMY3-8N13), the full code, or the URL of the receipt's QR code (a full code that begins with '-' goes last, after --)",
    )
    .requiredOption(
      '--board <url>',
      "a bulletin board's address (a validator of the election); repeat it for each validator to count their confirmations",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--authority-key <vkey-file>',
      "the election authority's verifier key, obtained independently (default: the key the board's package names)",
    )
    .option('--language <en|ru>', 'the language of the result line', 'en')
    .action((code: string, options: LookupOptions) => lookupCommand(code, options));
}
