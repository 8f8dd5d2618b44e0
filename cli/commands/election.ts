/**
 * `urna election …`: the election official's tools for the election package.
 *
 *   keygen --out FILE             the authority's signing key (mode 0600) and FILE.vkey
 *   sample --out DIR              a complete bilingual sample election, keys included
 *   validate FILE                 every problem of a definition or package, exit 1 if any
 *   sign --key KEY FILE           sign a definition into a package
 *   import-nist FILE --settings DEF --out FILE [--election-id ID]
 *                                 a NIST SP 1500-20 ballot definition into our definition
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  constants as fsConstants,
} from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Language } from '../../core/api/station-api';
import { canonicalBytes } from '../../core/encoding/canonical-json';
import { toBase64Url } from '../../core/encoding/bytes';
import { sha256 } from '../../core/encoding/hash';
import { parseElectionDefinition, type ElectionDefinition } from '../../core/election/definition';
import { nestErrors, type ElectionError } from '../../core/election/errors';
import { importNistBallotDefinition } from '../../core/election/nist';
import {
  ELECTION_PACKAGE_FORMAT,
  CEREMONY_PLACEHOLDER_HASH,
  CEREMONY_PLACEHOLDER_KEY,
  electionBaseHash,
  electionCeremonyBaseHash,
  formatBaseHashForDisplay,
  parseJsonFile,
  serializeElectionPackage,
  signElectionPackage,
  verifyElectionPackage,
} from '../../core/election/package';
import { sampleElectionDefinition } from '../../core/election/sample';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  describeNoteError,
  ed25519NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  keyTextKind,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
} from '../../core/ledger/note';
import { readEarlierAudio, renderElectionAudio, sampleAudioDir } from '../election-audio';
import { LANG_OPTION_HELP } from '../help';
import { CliError } from '../urna';
import { registerAudioCommand, checkAudioBeside } from './election-audio-command';
import { registerConfigureCommands } from './election-configure';
import { runCeremonyCommand } from './keys';

// ---------------------------------------------------------------- shared helpers

/** The language for messages: --lang, else the terminal's locale, else English. */
export function cliLanguage(option: string | undefined): Language {
  const wanted = option ?? process.env.LC_ALL ?? process.env.LANG ?? '';
  return wanted.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function printErrors(errors: readonly ElectionError[], language: Language): void {
  for (const error of errors) process.stderr.write(`  ${error.message[language]}\n`);
}

export function readFileBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Writes a new file; an existing one is never overwritten, least of all a secret key. */
export function writeNewFile(file: string, text: string, mode = 0o644): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(`${file} already exists; refusing to overwrite it`);
    throw new CliError(`cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Loads a signer-key file, refusing one that group or others may read. */
export function readSignerKeyFile(file: string): NoteSigner {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY);
  } catch (error) {
    throw new CliError(`cannot read key ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CliError(`${file} is a folder; a secret key file is expected here`);
    text = readFileSync(fd, 'utf8');
    // Say what was given before judging its mode: a .vkey is public, so its mode 644 is right for it.
    const kind = keyTextKind(text);
    if (kind !== 'secret key') {
      throw new CliError(
        `${file} is ${kind === 'verifier key' ? 'a verifier key (the public half)' : 'not a key file'}; a secret signing key (PRIVATE+KEY+…, mode 0600) is expected here${file.endsWith('.vkey') ? `: pass ${file.slice(0, -'.vkey'.length)}` : ''}`,
      );
    }
    const mode = stat.mode;
    if ((mode & 0o077) !== 0) {
      throw new CliError(
        `key ${file} has mode ${(mode & 0o777).toString(8)}; it must be readable by its owner only (chmod 600)`,
      );
    }
  } finally {
    closeSync(fd);
  }
  const parsed = parseSignerKey(text.trim());
  if (!parsed.ok) throw new CliError(`key ${file}: ${describeNoteError(parsed.error)}`);
  if (parsed.value.signatureType !== SIGNATURE_TYPE_ED25519)
    throw new CliError(`key ${file} is not an Ed25519 note key (type 0x01)`);
  // The signer keeps its own copy: it signs with it later, while the parsed seed is wiped now.
  const signer = ed25519NoteSigner(parsed.value.name, Uint8Array.from(parsed.value.secretKey));
  parsed.value.secretKey.fill(0);
  return signer;
}

/**
 * Reads a verifier key file (`.vkey`, one line). A secret key given by mistake is
 * named as such and never echoed; `what` says whose key is expected.
 */
export function readVerifierKeyFile(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT'
        ? `no file at ${file}; ${what} (a .vkey file) is expected here`
        : code === 'EISDIR'
          ? `${file} is a folder; ${what} (a .vkey file) is expected here`
          : `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const kind = keyTextKind(text);
  if (kind === 'secret key')
    throw new CliError(
      `${file} is a secret key; ${what} (its public half, the .vkey file) is expected here — keep the secret key where it is`,
    );
  if (kind === 'not a key') {
    const parsed = parseVerifierKey(text);
    throw new CliError(
      `${file} is not a verifier key; ${what} (<name>+<key id>+<base64>) is expected here${parsed.ok ? '' : `: ${describeNoteError(parsed.error)}`}`,
    );
  }
  return text;
}

/** Makes an Ed25519 key pair; writes the secret (0600) and `<file>.vkey`; returns the vkey. */
export function writeNewKeyPair(file: string, name: string, signatureType = SIGNATURE_TYPE_ED25519): string {
  if (!isValidKeyName(name)) throw new CliError(`invalid key name ${JSON.stringify(name)}: no spaces and no "+"`);
  const seed = ed25519.utils.randomSecretKey();
  const vkey = formatVerifierKey(name, signatureType, ed25519.getPublicKey(seed));
  writeNewFile(file, `${formatSignerKey(name, signatureType, seed)}\n`, 0o600);
  seed.fill(0);
  writeNewFile(`${file}.vkey`, `${vkey}\n`);
  return vkey;
}

function readJson(file: string): unknown {
  const parsed = parseJsonFile(readFileBytes(file));
  if (!parsed.ok) throw new CliError(`${file}: ${parsed.error.map((e) => e.message.en).join('; ')}`);
  return parsed.value;
}

function isPackage(json: unknown): boolean {
  return (
    json !== null && typeof json === 'object' && (json as Record<string, unknown>).format === ELECTION_PACKAGE_FORMAT
  );
}

function definitionJson(definition: ElectionDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

// ---------------------------------------------------------------- commands

type LangOption = { lang?: string };

function keygenCommand(options: { out: string; name: string }): void {
  const vkey = writeNewKeyPair(path.resolve(options.out), options.name);
  process.stdout.write(
    `authority signing key ${options.out} (mode 0600); verifier key ${options.out}.vkey:\n${vkey}\n`,
  );
}

async function sampleCommand(options: { out: string }): Promise<void> {
  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  const authorityVkey = writeNewKeyPair(path.join(out, 'authority.key'), 'svetlogorye-commission');
  const cardIssuerVkey = writeNewKeyPair(path.join(out, 'card-issuer.key'), 'svetlogorye-cards');
  const validators = ['commission', 'party-observers', 'civic-observers'].map((name, i) => ({
    name,
    verifierKey: writeNewKeyPair(path.join(out, 'validators', `${name}.key`), name, SIGNATURE_TYPE_COSIGNATURE_V1),
    url: `https://validator-${i + 1}.svetlogorye.example/`,
  }));

  // A local key ceremony (demo only: one process holds every share), so the sample's
  // ballots can be tallied end to end. It is bound to the definition as it stands
  // before the ceremony; the joint key and the record hash are filled in after.
  const guardians = { count: 5, threshold: 3 };
  const guardianDir = path.join(out, 'guardians');
  const draft = sampleElectionDefinition({
    authorityVerifierKey: authorityVkey,
    pollWorkerCardIssuerKey: cardIssuerVkey,
    validators,
    jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
    ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
    guardians,
  });
  if (!draft.ok)
    throw new Error(
      `invariant failed: the sample definition is invalid: ${draft.error.map((e) => e.message.en).join('; ')}`,
    );
  // Demo only: random passphrases kept beside the encrypted shares (mode 0600), so the
  // sample can be tallied without anyone typing. A real ceremony never does this.
  const passphrases = Array.from({ length: guardians.count }, () => toBase64Url(randomBytes(18)));
  mkdirSync(guardianDir, { recursive: true });
  passphrases.forEach((passphrase, i) =>
    writeNewFile(path.join(guardianDir, `guardian-${i + 1}.passphrase`), `${passphrase}\n`, 0o600),
  );
  await runCeremonyCommand({
    guardians: String(guardians.count),
    threshold: String(guardians.threshold),
    out: guardianDir,
    demo: true,
    baseHash: toBase64Url(electionCeremonyBaseHash(draft.value)),
    passphrases,
  });
  const record = readJson(path.join(guardianDir, 'key-ceremony.json')) as { jointKey?: unknown };
  if (typeof record.jointKey !== 'string') throw new Error('invariant failed: the ceremony record has no joint key');

  const definition = sampleElectionDefinition({
    authorityVerifierKey: authorityVkey,
    pollWorkerCardIssuerKey: cardIssuerVkey,
    validators,
    jointPublicKey: record.jointKey,
    ceremonyRecordHash: toBase64Url(sha256(canonicalBytes(record))),
    guardians,
  });
  if (!definition.ok)
    throw new Error(
      `invariant failed: the sample definition is invalid: ${definition.error.map((e) => e.message.en).join('; ')}`,
    );
  // The audio ballot: the committed sample clips, re-rendered with espeak-ng only where a phrase changed.
  const audio = renderElectionAudio(definition.value, out, readEarlierAudio(sampleAudioDir())).manifest;
  const withAudio: ElectionDefinition = { ...definition.value, audio };
  writeNewFile(path.join(out, 'definition.json'), definitionJson(withAudio));
  const signed = signElectionPackage(withAudio, readSignerKeyFile(path.join(out, 'authority.key')));
  if (!signed.ok) throw new Error('invariant failed: the sample authority key does not match the sample definition');
  writeNewFile(path.join(out, 'election.json'), serializeElectionPackage(signed.value));
  const baseHash = electionBaseHash(withAudio);
  process.stdout.write(
    `sample election ${definition.value.electionId} in ${out}\n` +
      `  definition.json        the unsigned definition\n` +
      `  election.json          the signed package\n` +
      `  audio/                 the audio ballot's clips (their hashes are in the package)\n` +
      `  authority.key(.vkey)   election authority (the secret is mode 0600)\n` +
      `  card-issuer.key(.vkey) poll-worker card issuer\n` +
      `  validators/            three validators' cosigning keys (threshold 2 of 3)\n` +
      `  guardians/             DEMO key ceremony: record, five encrypted guardian secrets (threshold 3)\n` +
      `                         and their passphrases (guardian-N.passphrase), all in one folder:\n` +
      `                         these demo keys prove nothing (see guardians/DEMO-KEYS-PROVE-NOTHING.txt)\n` +
      `base hash ${formatBaseHashForDisplay(baseHash)}\n`,
  );
}

function validateCommand(file: string, options: LangOption & { authorityKey?: string }): void {
  const language = cliLanguage(options.lang);
  const json = parseJsonFile(readFileBytes(file));
  let errors: ElectionError[];
  let definition: ElectionDefinition | undefined;
  if (!json.ok) errors = json.error;
  else if (isPackage(json.value)) {
    const authorityKey =
      options.authorityKey === undefined
        ? 'self'
        : readVerifierKeyFile(options.authorityKey, "the election authority's verifier key");
    const verified = verifyElectionPackage(json.value, { authorityKey });
    errors = verified.ok ? checkAudioBeside(file, verified.value.definition) : verified.error;
    if (verified.ok) definition = verified.value.definition;
  } else {
    const parsed = parseElectionDefinition(json.value);
    // A definition gets its audio before it is signed: check it only if it is there.
    errors = parsed.ok ? (parsed.value.audio === undefined ? [] : checkAudioBeside(file, parsed.value)) : parsed.error;
    if (parsed.ok) definition = parsed.value;
  }
  if (errors.length > 0 || definition === undefined) {
    const heading =
      language === 'ru' ? `${file}: найдено ошибок: ${errors.length}` : `${file}: ${errors.length} problem(s)`;
    process.stderr.write(`${heading}\n`);
    printErrors(errors, language);
    throw new CliError(language === 'ru' ? 'проверка не пройдена' : 'validation failed');
  }
  const what = isPackage(json.ok ? json.value : undefined)
    ? language === 'ru'
      ? 'пакет выборов подписан и корректен'
      : 'election package is signed and valid'
    : language === 'ru'
      ? 'описание выборов корректно (не подписано)'
      : 'election definition is valid (not signed)';
  const hashLabel = language === 'ru' ? 'базовый хеш' : 'base hash';
  process.stdout.write(`${file}: ${what}\n${hashLabel} ${formatBaseHashForDisplay(electionBaseHash(definition))}\n`);
}

function signCommand(file: string, options: LangOption & { key: string; out?: string }): void {
  const language = cliLanguage(options.lang);
  const json = readJson(file);
  // Re-signing a package signs its definition afresh.
  const definitionInput = isPackage(json) ? (json as Record<string, unknown>).definition : json;
  const parsed = parseElectionDefinition(definitionInput);
  if (!parsed.ok) {
    printErrors(isPackage(json) ? nestErrors('definition', parsed.error) : parsed.error, language);
    throw new CliError(
      language === 'ru'
        ? 'описание выборов содержит ошибки; не подписано'
        : 'the definition has errors; nothing was signed',
    );
  }
  const signed = signElectionPackage(parsed.value, readSignerKeyFile(options.key));
  if (!signed.ok) {
    printErrors(signed.error, language);
    throw new CliError(language === 'ru' ? 'не подписано' : 'nothing was signed');
  }
  const text = serializeElectionPackage(signed.value);
  if (options.out === undefined) process.stdout.write(text);
  else {
    writeNewFile(options.out, text);
    process.stderr.write(`${options.out}: base hash ${formatBaseHashForDisplay(electionBaseHash(parsed.value))}\n`);
  }
}

type ImportNistOptions = LangOption & { settings: string; out: string; electionId?: string };

function importNistCommand(file: string, options: ImportNistOptions): void {
  const language = cliLanguage(options.lang);
  const settingsJson = readJson(options.settings);
  const settingsInput = isPackage(settingsJson) ? (settingsJson as Record<string, unknown>).definition : settingsJson;
  const settings = parseElectionDefinition(settingsInput);
  if (!settings.ok) {
    printErrors(settings.error, language);
    throw new CliError(`${options.settings}: the settings definition has errors`);
  }
  const imported = importNistBallotDefinition(readJson(file), settings.value, options.electionId);
  if (!imported.ok) {
    printErrors(imported.error, language);
    const idHint =
      imported.error.some((e) => e.path === 'electionId') && options.electionId === undefined
        ? ': choose the election id with --election-id'
        : '';
    throw new CliError(`${language === 'ru' ? 'импорт не выполнен' : 'import failed'}${idHint}`);
  }
  writeNewFile(options.out, definitionJson(imported.value));
  const idFrom = options.electionId === undefined ? `from ${file}; --election-id chooses another` : '--election-id';
  process.stdout.write(
    `${options.out}: election ${imported.value.electionId} (${idFrom}) on ${imported.value.date}; ` +
      `authority, guardians, validators and card issuer from ${options.settings}; ` +
      `${imported.value.contests.length} contests, ${imported.value.candidates.length} candidates, ` +
      `${imported.value.precincts.length} precincts, ${imported.value.ballotStyles.length} ballot styles; ` +
      `base hash ${formatBaseHashForDisplay(electionBaseHash(imported.value))}\n`,
  );
}

export function register(program: Command): void {
  const election = program.command('election').description('election package: define, validate, sign, import');
  election
    .command('keygen')
    .description("make the election authority's signing key (mode 0600) and its verifier key (FILE.vkey)")
    .requiredOption('--out <file>', 'secret key file to create')
    .option('--name <name>', 'key name, as it appears in signatures', 'election-authority')
    .action((options: { out: string; name: string }) => keygenCommand(options));
  election
    .command('sample')
    .description(
      'DEMO: a realistic bilingual sample election with all its keys and a signed package; its guardian keys come from a one-process ceremony and prove nothing',
    )
    .requiredOption('--out <dir>', 'directory to create the sample in')
    .action((options: { out: string }) => sampleCommand(options));
  election
    .command('validate')
    .description('check a definition or a signed package; print every problem; exit 1 if there is any')
    .argument('<file>', 'definition.json or election.json')
    .option(
      '--authority-key <vkey-file>',
      'check the package signature against this pinned key instead of the key it names',
    )
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((file: string, options: LangOption & { authorityKey?: string }) => validateCommand(file, options));
  election
    .command('sign')
    .description('sign a definition with the election authority key, producing the election package')
    .requiredOption('--key <file>', "the authority's signing key")
    .option('--out <file>', 'package file to create (default: standard output)')
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .argument('<file>', 'definition.json (or a package to re-sign)')
    .action((file: string, options: LangOption & { key: string; out?: string }) => signCommand(file, options));
  election
    .command('import-nist')
    .description(
      'import the contests, candidates, precincts and ballot styles of a NIST SP 1500-20 ballot definition (JSON)',
    )
    .argument('<file>', 'NIST SP 1500-20 BallotDefinition JSON')
    .requiredOption(
      '--settings <file>',
      "a definition or package whose authority, guardians, validators and card-issuer key are kept (nothing else of it: the election's id, title, date and contests are the NIST file's)",
    )
    .requiredOption('--out <file>', 'definition file to create')
    .option(
      '--election-id <id>',
      "the new definition's election id (default: the NIST election's first ExternalIdentifier, else its ElectionScopeId and StartDate)",
    )
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((file: string, options: ImportNistOptions) => importNistCommand(file, options));
  registerAudioCommand(election);
  registerConfigureCommands(election);
}
