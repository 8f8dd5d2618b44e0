/**
 * `urna keys ceremony`: runs the key ceremony on one machine, each guardian a separate
 * object that only exchanges messages with the others, and writes one secret file
 * per guardian (mode 0600, that guardian's key share only) plus the public record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  guardianKeyShareToRecord,
  keyCeremonyToRecord,
  recordToCanonicalJson,
  runLocalCeremony,
  verifyCeremonyRecord,
} from '../../core/ballot';
import { type Bytes, fromBase64Url } from '../../core/encoding/bytes';
import { canonicalBytes } from '../../core/encoding/canonical-json';
import { sha256 } from '../../core/encoding/hash';
import { type GuardianId, ID_PATTERN } from '../../core/ids';
import { CliError } from '../urna';

type CeremonyOptions = { guardians: string; threshold: string; out: string; election: string; baseHash?: string };

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

export function runCeremonyCommand(options: CeremonyOptions): void {
  const guardians = positiveInteger(options.guardians, 'guardians', 100);
  const threshold = positiveInteger(options.threshold, 'threshold', guardians);
  if (!ID_PATTERN.test(options.election)) throw new CliError('--election must be an id (lowercase letters, digits, . _ -)');
  const guardianIds = Array.from({ length: guardians }, (_, i) => `guardian-${i + 1}` as GuardianId);
  const outcome = runLocalCeremony({ baseHash: ceremonyBaseHash(options), guardianIds, threshold });
  if (!outcome.ok) throw new CliError(`key ceremony failed: ${JSON.stringify(outcome.error)}`);
  const { record, keyShares } = outcome.value;
  const checked = verifyCeremonyRecord(record);
  if (!checked.ok) throw new Error(`invariant failed: own ceremony record does not verify: ${checked.error.check}`);

  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  writeNew(path.join(out, 'key-ceremony.json'), `${recordToCanonicalJson(keyCeremonyToRecord(record))}\n`, 0o644);
  for (const share of keyShares) {
    writeNew(path.join(out, `${share.guardianId}.secret.json`), `${recordToCanonicalJson(guardianKeyShareToRecord(share))}\n`, 0o600);
  }
  process.stdout.write(
    `key ceremony: ${guardians} guardians, threshold ${threshold}\n` +
      `joint key ${record.jointKey.toBase64Url()}\n` +
      `public record ${path.join(out, 'key-ceremony.json')}\n` +
      `${keyShares.length} guardian secret files (mode 0600) in ${out}: hand each to its guardian alone\n`,
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
    .action((options: CeremonyOptions) => runCeremonyCommand(options));
}
