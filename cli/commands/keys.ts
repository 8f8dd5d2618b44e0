/**
 * `urna keys ceremony`: runs the key ceremony on one machine, each guardian a separate
 * object that only exchanges messages with the others, and writes one secret file
 * per guardian (mode 0600, that guardian's key share only, encrypted under that
 * guardian's passphrase: see cli/guardian-files.ts) plus the public record.
 *
 * Passphrases come from a file (`--passphrase-file`, one line per guardian in
 * order) or are typed by each guardian at the terminal; never from an argument.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  keyCeremonyToRecord,
  recordToCanonicalJson,
  runLocalCeremony,
  verifyCeremonyRecord,
} from '../../core/ballot';
import { type Bytes, fromBase64Url } from '../../core/encoding/bytes';
import { canonicalBytes } from '../../core/encoding/canonical-json';
import { sha256 } from '../../core/encoding/hash';
import { type GuardianId, ID_PATTERN } from '../../core/ids';
import { encryptGuardianShare, MIN_PASSPHRASE_LENGTH, promptPassphrase, readPassphraseFile } from '../guardian-files';
import { CliError } from '../urna';

type CeremonyOptions = {
  guardians: string;
  threshold: string;
  out: string;
  election: string;
  baseHash?: string;
  passphraseFile?: string;
  /** For callers inside the CLI (the demo sample): the passphrases themselves. */
  passphrases?: readonly string[];
};

function positiveInteger(text: string, name: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

/** Without --base-hash the ceremony is bound to the election id alone. */
function ceremonyBaseHash(options: CeremonyOptions): Bytes {
  if (options.baseHash !== undefined) {
    let bytes: Bytes;
    try {
      bytes = fromBase64Url(options.baseHash);
    } catch {
      throw new CliError('--base-hash must be 32 bytes of unpadded base64url');
    }
    if (bytes.length !== 32) throw new CliError('--base-hash must be 32 bytes of unpadded base64url');
    return bytes;
  }
  return sha256(canonicalBytes({ domain: 'urna/ceremony-base/v1', electionId: options.election }));
}

function writeNew(file: string, text: string, mode: number): void {
  try {
    // 'wx': never overwrite an earlier ceremony's secrets.
    writeFileSync(file, text, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${file} already exists; choose an empty --out directory`);
    throw error;
  }
}

/** One passphrase per guardian, each long enough and none shared. */
async function guardianPassphrases(guardianIds: readonly GuardianId[], passphraseFile: string | undefined, given: readonly string[] | undefined): Promise<string[]> {
  let passphrases: string[];
  if (given !== undefined) {
    if (given.length !== guardianIds.length) throw new Error('invariant failed: one passphrase per guardian');
    passphrases = [...given];
  } else if (passphraseFile !== undefined) {
    passphrases = readPassphraseFile(passphraseFile);
    if (passphrases.length !== guardianIds.length) {
      throw new CliError(`${passphraseFile} must hold ${guardianIds.length} passphrases, one line per guardian in order; it has ${passphrases.length}`);
    }
  } else {
    passphrases = [];
    for (const id of guardianIds) {
      const first = await promptPassphrase(`${id}, choose a passphrase for your key share: `);
      if (first === null) throw new CliError('guardian shares are stored encrypted: give --passphrase-file FILE (one passphrase per line, one line per guardian), or run on a terminal to type them');
      const again = await promptPassphrase(`${id}, type it again: `);
      if (again !== first) throw new CliError(`${id}: the two passphrases differ`);
      passphrases.push(first);
    }
  }
  passphrases.forEach((passphrase, i) => {
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) throw new CliError(`the passphrase for ${guardianIds[i]} is shorter than ${MIN_PASSPHRASE_LENGTH} characters`);
  });
  if (new Set(passphrases).size !== passphrases.length) throw new CliError('two guardians have the same passphrase; each guardian needs their own');
  return passphrases;
}

export async function runCeremonyCommand(options: CeremonyOptions): Promise<void> {
  const guardians = positiveInteger(options.guardians, 'guardians', 100);
  const threshold = positiveInteger(options.threshold, 'threshold', guardians);
  if (!ID_PATTERN.test(options.election)) throw new CliError('--election must be an id (lowercase letters, digits, . _ -)');
  const guardianIds = Array.from({ length: guardians }, (_, i) => `guardian-${i + 1}` as GuardianId);
  const passphrases = await guardianPassphrases(guardianIds, options.passphraseFile, options.passphrases);
  const outcome = runLocalCeremony({ baseHash: ceremonyBaseHash(options), guardianIds, threshold });
  if (!outcome.ok) throw new CliError(`key ceremony failed: ${JSON.stringify(outcome.error)}`);
  const { record, keyShares } = outcome.value;
  const checked = verifyCeremonyRecord(record);
  if (!checked.ok) throw new Error(`invariant failed: own ceremony record does not verify: ${checked.error.check}`);

  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  writeNew(path.join(out, 'key-ceremony.json'), `${recordToCanonicalJson(keyCeremonyToRecord(record))}\n`, 0o644);
  keyShares.forEach((share, i) => {
    const passphrase = passphrases[i];
    if (passphrase === undefined) throw new Error('invariant failed: a guardian without a passphrase');
    writeNew(path.join(out, `${share.guardianId}.secret.json`), encryptGuardianShare(share, passphrase), 0o600);
  });
  process.stdout.write(
    `key ceremony: ${guardians} guardians, threshold ${threshold}\n` +
      `joint key ${record.jointKey.toBase64Url()}\n` +
      `public record ${path.join(out, 'key-ceremony.json')}\n` +
      `${keyShares.length} guardian secret files (mode 0600, each encrypted under its guardian's passphrase) in ${out}: hand each to its guardian alone\n`,
  );
}

export function register(program: Command): void {
  const keys = program.command('keys').description('election key ceremony');
  keys
    .command('ceremony')
    .description('run a k-of-n key ceremony; write one secret file per guardian and the public ceremony record')
    .requiredOption('--guardians <n>', 'number of guardians')
    .requiredOption('--threshold <k>', 'guardians needed to decrypt')
    .requiredOption('--out <dir>', 'directory for the record and the guardian files')
    .option('--election <id>', 'election id the ceremony is bound to', 'urna-election')
    .option('--base-hash <base64url>', "the election's base hash (overrides --election)")
    .option('--passphrase-file <file>', 'one passphrase per line, guardian 1 first (without it, each guardian types theirs)')
    .action((options: CeremonyOptions) => runCeremonyCommand(options));
}
