/**
 * `urna record board RECORD --out DIR`: the bulletin board of an election
 * record as static files (core/board/mirror.ts) plus the board page, for anyone
 * to publish on any web server. Voters and observers check a mirror exactly as
 * they check a validator: the page, or `urna lookup CODE --board URL-OF-DIR`.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { boardMirrorFiles } from '../../core/board/mirror';
import { defaultBoardPageDir } from '../../validator/board-page';
import { CliError } from '../urna';
import { directoryRecordSource } from './files';
import { packageTrustFrom } from './verifier';

type BoardOptions = { out: string; authorityKey?: string };

function boardCommand(recordDir: string, options: BoardOptions): void {
  if (!existsSync(path.join(recordDir, 'election.json')))
    throw new CliError(`${recordDir} is not an election record: it has no election.json`);
  if (existsSync(options.out)) throw new CliError(`--out ${options.out} exists already: give a new folder`);
  const page = defaultBoardPageDir();
  if (page === undefined) throw new CliError('the board page is not built: run npm run build first');
  const files = boardMirrorFiles(directoryRecordSource(recordDir), packageTrustFrom(options.authorityKey));
  if (!files.ok) throw new CliError(`cannot make the board from ${recordDir}: ${files.error}`);
  for (const [relative, text] of files.value) {
    const full = path.join(options.out, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  cpSync(page, path.join(options.out, 'board'), { recursive: true });
  // A plain link, no script: the page itself is at board/.
  writeFileSync(
    path.join(options.out, 'index.html'),
    '<!doctype html>\n<meta charset="utf-8">\n<title>Urna</title>\n<meta http-equiv="refresh" content="0; url=board/">\n<a href="board/">board/</a>\n',
  );
  const confirmations = [...files.value.keys()].filter((f) => f.startsWith('urna/v1/confirmation/')).length;
  process.stdout.write(
    `wrote the bulletin board of ${recordDir} to ${options.out}: ${confirmations} confirmation answers (full and short codes), the package, enrollments and the page at board/\n`,
  );
  process.stdout.write(
    `publish the folder on any web server; check a receipt with the page there, or: urna lookup CODE --board <its address>\n`,
  );
}

export function registerBoardMirror(record: Command): void {
  record
    .command('board')
    .description(
      "the record's bulletin board as static files (the same answers as a validator's, and the board page) for anyone to mirror",
    )
    .argument('<record>', 'the election record folder')
    .requiredOption('--out <dir>', 'the folder to create')
    .option(
      '--authority-key <vkey-file>',
      "the election authority's verifier key, obtained independently (default: the key the package names)",
    )
    .action((recordDir: string, options: BoardOptions) => boardCommand(recordDir, options));
}
