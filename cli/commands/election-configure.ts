/**
 * `urna election configure`: the authority fills the keys and lists of a definition
 * whose contests, candidates and precincts it wrote (or imported from NIST), instead
 * of editing JSON by hand: its own verifier key, the poll-worker card issuer key, the
 * validators, the guardians' number and threshold, the voter lists (hashed under the
 * poll-book key), and after the key ceremony its joint key and record hash.
 *
 * `urna election pollbook-key --out FILE`: the poll-book key (32 random bytes, hex,
 * mode 0600) under which voter ids are hashed; every station of the election gets it
 * at provisioning and the definition names only its id (core/election/pollbook.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseElectionDefinition } from '../../core/election/definition';
import {
  CEREMONY_PLACEHOLDER_HASH,
  CEREMONY_PLACEHOLDER_KEY,
  ELECTION_PACKAGE_FORMAT,
  parseJsonFile,
} from '../../core/election/package';
import { isPlausibleVoterId, pollBookKeyId, POLLBOOK_KEY_BYTES, voterHash } from '../../core/election/pollbook';
import { ceremonyRecordHash } from '../../core/record/election';
import { LANG_OPTION_HELP } from '../help';
import { CliError } from '../urna';
import { cliLanguage, printErrors, readFileBytes, readVerifierKeyFile, writeNewFile } from './election';

/** Reads a poll-book key file written by `urna election pollbook-key`. */
export function readPollBookKeyFile(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new CliError(
      `cannot read the poll-book key ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new CliError(
      `${file} is not a poll-book key: 64 lowercase hex digits (from \`urna election pollbook-key\`) are expected`,
    );
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function pollBookKeyCommand(options: { out: string }): void {
  const key = new Uint8Array(randomBytes(POLLBOOK_KEY_BYTES));
  writeNewFile(path.resolve(options.out), `${Buffer.from(key).toString('hex')}\n`, 0o600);
  process.stdout.write(
    `poll-book key ${options.out} (mode 0600), key id ${pollBookKeyId(key)}\nkeep it secret: with it and the definition anyone can test whether a person is on a voter list\n`,
  );
}

type ConfigureOptions = {
  out: string;
  authorityVkey?: string;
  cardIssuerVkey?: string;
  validator?: string[];
  validatorThreshold?: string;
  guardians?: string;
  threshold?: string;
  pollbookKey?: string;
  voters?: string[];
  ceremony?: string;
  lang?: string;
};

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${option} must be a whole number ≥ 1, not "${text}"`);
  return n;
}

/** `NAME=URL=VKEYFILE`, split at the first and the last "=" (a URL may hold one). */
function validatorOf(spec: string): { name: string; url: string; verifierKey: string } {
  const first = spec.indexOf('=');
  const last = spec.lastIndexOf('=');
  if (first <= 0 || last === first)
    throw new CliError(
      `--validator "${spec}": NAME=URL=VKEYFILE is expected, e.g. commission=https://validator-1.example/=commission.key.vkey`,
    );
  return {
    name: spec.slice(0, first),
    url: spec.slice(first + 1, last),
    verifierKey: readVerifierKeyFile(spec.slice(last + 1), `validator ${spec.slice(0, first)}'s verifier key`),
  };
}

/** The voter ids of a roll: one a line; blank lines and lines starting with # are skipped. */
function rollOf(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the voter roll ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const ids: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const id = line.trim();
    if (id === '' || id.startsWith('#')) continue;
    if (!isPlausibleVoterId(id))
      throw new CliError(
        `${file} line ${i + 1}: "${id}" is not a voter id (letters, digits and "-", as printed on the voter's document)`,
      );
    ids.push(id);
  }
  return ids;
}

function configureCommand(file: string, options: ConfigureOptions): void {
  const language = cliLanguage(options.lang);
  const json = parseJsonFile(readFileBytes(file));
  if (!json.ok) {
    printErrors(json.error, language);
    throw new CliError(`${file} is not a definition`);
  }
  const source = json.value as Record<string, unknown>;
  if (source.format === ELECTION_PACKAGE_FORMAT)
    throw new CliError(`${file} is a signed package; configure its definition.json and sign it again`);
  const def: Record<string, unknown> = { ...source };
  const obj = (key: string): Record<string, unknown> => {
    const value = def[key];
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>) }
      : {};
  };
  if (options.authorityVkey !== undefined)
    def.authority = {
      ...obj('authority'),
      verifierKey: readVerifierKeyFile(options.authorityVkey, "the election authority's verifier key"),
    };
  if (options.cardIssuerVkey !== undefined)
    def.pollWorkerCardIssuerKey = readVerifierKeyFile(
      options.cardIssuerVkey,
      "the poll-worker card issuer's verifier key",
    );
  if (options.validator !== undefined || options.validatorThreshold !== undefined) {
    const validators = obj('validators');
    if (options.validator !== undefined) validators.members = options.validator.map(validatorOf);
    if (options.validatorThreshold !== undefined)
      validators.threshold = positive(options.validatorThreshold, '--validator-threshold');
    def.validators = validators;
  }
  if (options.guardians !== undefined || options.threshold !== undefined) {
    const guardians = obj('guardians');
    if (options.guardians !== undefined) guardians.count = positive(options.guardians, '--guardians');
    if (options.threshold !== undefined) guardians.threshold = positive(options.threshold, '--threshold');
    // A new number of guardians needs a new ceremony: the old key would not fit.
    guardians.jointPublicKey = CEREMONY_PLACEHOLDER_KEY;
    guardians.ceremonyRecordHash = CEREMONY_PLACEHOLDER_HASH;
    def.guardians = guardians;
  }
  if (options.voters !== undefined) {
    if (options.pollbookKey === undefined)
      throw new CliError('--voters needs --pollbook-key: voter ids are listed only as hashes under that key');
    const key = readPollBookKeyFile(options.pollbookKey);
    const electionId = String(def.electionId);
    const precincts = Array.isArray(def.precincts)
      ? (def.precincts as Record<string, unknown>[]).map((p) => ({ ...p }))
      : [];
    for (const spec of options.voters) {
      const at = spec.indexOf('=');
      if (at <= 0) throw new CliError(`--voters "${spec}": PRECINCT=ROLLFILE is expected, e.g. uik-1201=roll-1201.txt`);
      const precinctId = spec.slice(0, at);
      const precinct = precincts.find((p) => p.id === precinctId);
      if (precinct === undefined)
        throw new CliError(
          `--voters: precinct "${precinctId}" is not in ${file} (its precincts: ${precincts.map((p) => String(p.id)).join(', ')})`,
        );
      precinct.voterList = rollOf(spec.slice(at + 1))
        .map((id) => voterHash(key, electionId, id))
        .sort();
    }
    def.precincts = precincts;
    def.pollBookKeyId = pollBookKeyId(key);
  }
  if (options.ceremony !== undefined) {
    const ceremony = parseJsonFile(readFileBytes(options.ceremony));
    if (!ceremony.ok)
      throw new CliError(`${options.ceremony} is not JSON: ${ceremony.error.map((e) => e.message.en).join('; ')}`);
    const jointKey = (ceremony.value as { jointKey?: unknown }).jointKey;
    if (typeof jointKey !== 'string')
      throw new CliError(
        `${options.ceremony} is not a key-ceremony record (from \`urna keys ceremony-record\`): it has no jointKey`,
      );
    def.guardians = {
      ...obj('guardians'),
      jointPublicKey: jointKey,
      ceremonyRecordHash: ceremonyRecordHash(ceremony.value),
    };
  }
  const parsed = parseElectionDefinition(def);
  if (!parsed.ok) {
    printErrors(parsed.error, language);
    throw new CliError(`${options.out} not written: the configured definition has ${parsed.error.length} problem(s)`);
  }
  writeNewFile(path.resolve(options.out), `${JSON.stringify(parsed.value, null, 2)}\n`);
  const d = parsed.value;
  const voters = d.precincts.map((p) => `${p.id} ${p.voterList?.length ?? 0}`).join(', ');
  process.stdout.write(
    `${options.out}: ${d.electionId}; authority ${d.authority.verifierKey.split('+')[0] ?? ''}; ${d.validators.members.length} validators (threshold ${d.validators.threshold}); ` +
      `${d.guardians.count} guardians (threshold ${d.guardians.threshold}), ${d.guardians.jointPublicKey === CEREMONY_PLACEHOLDER_KEY ? 'key ceremony not yet held' : `joint key ${d.guardians.jointPublicKey}`}; voters: ${voters}\n`,
  );
}

export function registerConfigureCommands(election: Command): void {
  election
    .command('pollbook-key')
    .description(
      'make the poll-book key (mode 0600) under which voter ids are hashed; every station gets it at provisioning',
    )
    .requiredOption('--out <file>', '(required) key file to create')
    .action((options: { out: string }) => pollBookKeyCommand(options));
  election
    .command('configure')
    .description(
      "fill a definition's keys and lists: authority, card issuer, validators, guardians, voter lists, the ceremony's joint key",
    )
    .argument('<file>', 'definition.json to start from (it is not changed)')
    .requiredOption('--out <file>', '(required) the configured definition to create')
    .option('--authority-vkey <file>', "the election authority's verifier key (from `urna election keygen`)")
    .option('--card-issuer-vkey <file>', "the poll-worker card issuer's verifier key")
    .option(
      '--validator <NAME=URL=VKEYFILE...>',
      'each validator: its name, public URL and verifier key file (replaces the list)',
    )
    .option('--validator-threshold <t>', 'cosignatures that make a checkpoint final (more than half of the validators)')
    .option('--guardians <n>', 'number of guardians (clears the joint key: hold the ceremony after this)')
    .option('--threshold <k>', 'guardians needed to decrypt')
    .option('--pollbook-key <file>', 'the poll-book key (from `urna election pollbook-key`), for --voters')
    .option('--voters <PRECINCT=ROLLFILE...>', "a precinct's voter roll: one voter id a line; listed as hashes only")
    .option('--ceremony <file>', "the guardians' key-ceremony.json: sets the joint key and the record hash")
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((file: string, options: ConfigureOptions) => configureCommand(file, options));
}
