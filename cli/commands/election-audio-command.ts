/**
 * `urna election audio FILE --out DIR`: renders the audio ballot of a definition
 * (cli/election-audio.ts) and writes DIR/definition.json with the audio manifest,
 * and the clips in DIR/audio/. Sign DIR/definition.json next; keep the audio
 * folder beside the package on the removable media.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AUDIO_DIR } from '../../core/audio/manifest';
import { checkAudioInFolder } from '../../main/election/election-audio';
import type { ElectionDefinition } from '../../core/election/definition';
import type { ElectionError } from '../../core/election/errors';
import { ELECTION_PACKAGE_FORMAT, parseDefinitionBeforeCeremony } from '../../core/election/package';
import { AudioRenderError, readEarlierAudio, renderElectionAudio } from '../election-audio';
import { LANG_OPTION_HELP } from '../help';
import { CliError } from '../urna';
import { cliLanguage, printErrors, readFileBytes, writeNewFile } from './election';
import { parseJsonFile } from '../../core/election/package';

/** The audio of a package or definition in `file`, checked against the clips in the audio folder beside it. */
export function checkAudioBeside(file: string, definition: ElectionDefinition): ElectionError[] {
  return checkAudioInFolder(path.dirname(file), definition);
}

type AudioOptions = { out: string; reuse?: string; lang?: string };

function audioCommand(file: string, options: AudioOptions): void {
  const language = cliLanguage(options.lang);
  const json = parseJsonFile(readFileBytes(file));
  if (!json.ok) throw new CliError(`${file}: ${json.error.map((e) => e.message[language]).join('; ')}`);
  const raw =
    json.value !== null &&
    typeof json.value === 'object' &&
    (json.value as { format?: unknown }).format === ELECTION_PACKAGE_FORMAT
      ? (json.value as { definition?: unknown }).definition
      : json.value;
  const parsed = parseDefinitionBeforeCeremony(raw);
  if (!parsed.ok) {
    printErrors(parsed.error, language);
    throw new CliError(language === 'ru' ? 'описание выборов с ошибками' : 'the definition has problems');
  }
  const { audio: _old, ...definition } = parsed.value;
  const target = path.join(options.out, 'definition.json');
  if (existsSync(target)) throw new CliError(`${target} already exists; refusing to overwrite it`);
  const earlier = readEarlierAudio(options.reuse ?? path.dirname(file));
  let rendered;
  try {
    rendered = renderElectionAudio(definition, options.out, earlier ?? reuseFromAudioBeside(file, parsed.value));
  } catch (error) {
    if (error instanceof AudioRenderError) throw new CliError(error.message);
    throw error;
  }
  // The input's own form is kept: a definition before the ceremony stays without the ceremony's values.
  const out = { ...(raw as Record<string, unknown>), audio: rendered.manifest };
  writeNewFile(target, `${JSON.stringify(out, null, 2)}\n`);
  const seconds = Math.round(rendered.manifest.clips.reduce((sum, c) => sum + c.durationMs, 0) / 1000);
  process.stdout.write(
    `${target}: audio ballot of ${rendered.manifest.clips.length} clips (${seconds} s; ${rendered.rendered} rendered, ${rendered.reused} reused) in ${path.join(options.out, AUDIO_DIR)}/\n` +
      `next: urna election sign ${target} --key <authority.key> --out ${path.join(options.out, 'election.json')}\n`,
  );
}

/** An input that already carries audio is its own earlier rendering. */
function reuseFromAudioBeside(file: string, definition: ElectionDefinition) {
  return definition.audio === undefined ? undefined : { manifest: definition.audio, dir: path.dirname(file) };
}

export function registerAudioCommand(election: Command): void {
  election
    .command('audio')
    .description(
      'render the audio ballot (eSpeak NG, Russian and English) into DIR/audio/ and write DIR/definition.json with its manifest; sign that definition next',
    )
    .argument('<file>', 'definition.json or election.json')
    .requiredOption('--out <dir>', 'directory for definition.json and the audio/ folder')
    .option('--reuse <dir>', 'an earlier rendering (manifest.json or a package folder) whose unchanged clips are kept')
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((file: string, options: AudioOptions) => audioCommand(file, options));
}
