/**
 * `urna keys ceremony-record`: anyone assembles the public key-ceremony record from
 * the messages folder of a ceremony the guardians held on their own machines
 * (`urna guardian …`), refusing unless every guardian accepted the same transcript
 * and no complaint stands.
 *
 * `urna keys ceremony --demo`: DEMO ONLY. Runs every guardian in one process and writes
 * every guardian's secret into one folder, so whoever runs it holds the election
 * secret: the keys it makes prove nothing. It exists for demos and tests, refuses to
 * run without --demo, and says so on screen and in the folder it writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  acceptanceHolds,
  ceremonyRecord,
  ceremonyTranscriptHash,
  keyCeremonyToRecord,
  parametersOf,
  recordToCanonicalJson,
  runLocalCeremony,
  verifyCeremonyRecord,
  type CeremonyAcceptance,
  type KeyCeremonyRecord,
} from '../../core/ballot';
import { bytesEqual } from '../../core/encoding/bytes';
import type { GuardianId } from '../../core/ids';
import { ceremonyRecordHash } from '../../core/record/election';
import {
  acceptanceFile,
  ceremonyParameters,
  commitmentFile,
  fingerprint,
  readAcceptance,
  readAnnouncements,
  readComplaints,
  refuseOnComplaints,
  requireAll,
} from '../ceremony-messages';
import { ceremonyBaseHashFromOptions } from './guardian';
import { encryptGuardianShare, MIN_PASSPHRASE_LENGTH, promptPassphrase, readPassphraseFile } from '../guardian-files';
import { CliError } from '../urna';

type CeremonyOptions = {
  guardians: string;
  threshold: string;
  out: string;
  demo?: boolean;
  definition?: string;
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

function writeNew(file: string, text: string, mode: number): void {
  try {
    // 'wx': never overwrite an earlier ceremony's secrets.
    writeFileSync(file, text, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(`${file} already exists; choose an empty --out directory`);
    throw error;
  }
}

/** One passphrase per guardian, each long enough and none shared. */
async function guardianPassphrases(
  guardianIds: readonly GuardianId[],
  passphraseFile: string | undefined,
  given: readonly string[] | undefined,
): Promise<string[]> {
  let passphrases: string[];
  if (given !== undefined) {
    if (given.length !== guardianIds.length) throw new Error('invariant failed: one passphrase per guardian');
    passphrases = [...given];
  } else if (passphraseFile !== undefined) {
    passphrases = readPassphraseFile(passphraseFile);
    if (passphrases.length !== guardianIds.length) {
      throw new CliError(
        `${passphraseFile} must hold ${guardianIds.length} passphrases, one line per guardian in order; it has ${passphrases.length}`,
      );
    }
  } else {
    passphrases = [];
    for (const id of guardianIds) {
      const first = await promptPassphrase(`${id}, choose a passphrase for your key share: `);
      if (first === null)
        throw new CliError(
          'guardian shares are stored encrypted: give --passphrase-file FILE (one passphrase per line, one line per guardian), or run on a terminal to type them',
        );
      const again = await promptPassphrase(`${id}, type it again: `);
      if (again !== first) throw new CliError(`${id}: the two passphrases differ`);
      passphrases.push(first);
    }
  }
  passphrases.forEach((passphrase, i) => {
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
      throw new CliError(`the passphrase for ${guardianIds[i]} is shorter than ${MIN_PASSPHRASE_LENGTH} characters`);
  });
  if (new Set(passphrases).size !== passphrases.length)
    throw new CliError('two guardians have the same passphrase; each guardian needs their own');
  return passphrases;
}

export const DEMO_WARNING =
  "DEMO KEYS PROVE NOTHING: one process made every guardian's share, so whoever ran it (or holds this folder and the passphrases) can rebuild the election secret and decrypt any ballot. A real ceremony runs each guardian on their own machine: urna guardian init|announce|share|receive|accept, then urna keys ceremony-record.";

export async function runCeremonyCommand(options: CeremonyOptions): Promise<void> {
  if (options.demo !== true) {
    throw new CliError(
      "'urna keys ceremony' runs every guardian in one process, so its keys prove nothing; it runs only with --demo. " +
        "For a real election each guardian runs 'urna guardian init|announce|share|receive|accept' on their own machine (see README)",
    );
  }
  const guardians = positiveInteger(options.guardians, 'guardians', 100);
  const threshold = positiveInteger(options.threshold, 'threshold', guardians);
  const baseHash = ceremonyBaseHashFromOptions(options);
  const guardianIds = Array.from({ length: guardians }, (_, i) => `guardian-${i + 1}` as GuardianId);
  const passphrases = await guardianPassphrases(guardianIds, options.passphraseFile, options.passphrases);
  const outcome = runLocalCeremony({ baseHash, guardianIds, threshold });
  if (!outcome.ok) throw new CliError(`key ceremony failed: ${JSON.stringify(outcome.error)}`);
  const { record, keyShares } = outcome.value;
  const checked = verifyCeremonyRecord(record);
  if (!checked.ok) throw new Error(`invariant failed: own ceremony record does not verify: ${checked.error.check}`);

  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  writeNew(path.join(out, 'DEMO-KEYS-PROVE-NOTHING.txt'), `${DEMO_WARNING}\n`, 0o644);
  writeNew(path.join(out, 'key-ceremony.json'), `${recordToCanonicalJson(keyCeremonyToRecord(record))}\n`, 0o644);
  keyShares.forEach((share, i) => {
    const passphrase = passphrases[i];
    if (passphrase === undefined) throw new Error('invariant failed: a guardian without a passphrase');
    writeNew(path.join(out, `${share.guardianId}.secret.json`), encryptGuardianShare(share, passphrase), 0o600);
  });
  process.stdout.write(
    `${DEMO_WARNING}\n` +
      `key ceremony (demo): ${guardians} guardians, threshold ${threshold}\n` +
      `joint key ${record.jointKey.toBase64Url()}\n` +
      `public record ${path.join(out, 'key-ceremony.json')}\n` +
      `${keyShares.length} guardian secret files (mode 0600, each encrypted under its guardian's passphrase) in ${out}\n`,
  );
}

type RecordOptions = { messages: string; out: string; definition?: string; baseHash?: string };

/** Assembles key-ceremony.json from a messages folder; refuses unless every guardian accepted one transcript. */
export function assembleCeremonyRecord(options: RecordOptions): KeyCeremonyRecord {
  const { params, commitments } = ceremonyParameters(options.messages);
  requireAll(options.messages, params, commitmentFile, 'commitments');
  if (options.definition !== undefined || options.baseHash !== undefined) {
    const expected = ceremonyBaseHashFromOptions(options);
    if (!bytesEqual(expected, params.baseHash))
      throw new CliError(
        'the guardians held this ceremony for another election definition: its base hash is not the one given',
      );
  }
  const announcements = readAnnouncements(options.messages, params, commitments);
  refuseOnComplaints(params, announcements, readComplaints(options.messages));
  const transcript = ceremonyTranscriptHash(params, announcements);
  const acceptances: CeremonyAcceptance[] = [];
  const absent: string[] = [];
  for (const a of announcements) {
    const acceptance = readAcceptance(options.messages, a.guardianId);
    if (acceptance === undefined) {
      absent.push(a.guardianId);
      continue;
    }
    if (!acceptanceHolds(params, a, acceptance))
      throw new CliError(
        `${acceptanceFile(a.guardianId)} is not ${a.guardianId}'s signature: the ceremony stops; ask ${a.guardianId} to accept again`,
      );
    if (!bytesEqual(acceptance.transcriptHash, transcript)) {
      throw new CliError(
        `${a.guardianId} accepted a different transcript (${fingerprint(acceptance.transcriptHash)}, not ${fingerprint(transcript)}): ` +
          `${a.guardianId} was shown other announcements or complaints than these. The ceremony stops; compare the messages with ${a.guardianId} and start again`,
      );
    }
    acceptances.push(acceptance);
  }
  if (absent.length > 0)
    throw new CliError(`no acceptance yet from ${absent.join(', ')}: the record needs every guardian's`);
  const record = ceremonyRecord(params, announcements, acceptances);
  const checked = verifyCeremonyRecord(record);
  if (!checked.ok) throw new Error(`invariant failed: an assembled record does not verify: ${checked.error.check}`);
  return record;
}

function ceremonyRecordCommand(options: RecordOptions): void {
  const record = assembleCeremonyRecord(options);
  const json = keyCeremonyToRecord(record);
  writeNew(path.resolve(options.out), `${recordToCanonicalJson(json)}\n`, 0o644);
  process.stdout.write(
    `key ceremony record: ${record.guardians.length} guardians, threshold ${record.threshold}, every acceptance on transcript ${fingerprint(ceremonyTranscriptHash(parametersOf(record), record.guardians))}\n` +
      `joint key            ${record.jointKey.toBase64Url()}   (the package's guardians.jointPublicKey)\n` +
      `record hash          ${ceremonyRecordHash(json)}   (the package's guardians.ceremonyRecordHash)\n` +
      `written to ${options.out}\n`,
  );
}

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      "election key ceremony: assemble the guardians' public record (the ceremony itself is 'urna guardian')",
    );
  keys
    .command('ceremony-record')
    .description(
      "assemble key-ceremony.json from the guardians' messages folder; refused unless every guardian accepted the same transcript and no complaint stands",
    )
    .requiredOption('--messages <dir>', "the ceremony's messages folder")
    .requiredOption('--out <file>', 'the public record to write (key-ceremony.json)')
    .option('--definition <file>', 'check the ceremony was held for this election definition')
    .option('--base-hash <base64url>', "check the ceremony's base hash (instead of --definition)")
    .action((options: RecordOptions) => ceremonyRecordCommand(options));
  keys
    .command('ceremony')
    .description(
      'DEMO ONLY (needs --demo): every guardian in one process, every secret in one folder; its keys prove nothing',
    )
    .requiredOption('--guardians <n>', 'number of guardians')
    .requiredOption('--threshold <k>', 'guardians needed to decrypt')
    .requiredOption('--out <dir>', 'directory for the record and the guardian files')
    .option('--demo', 'confirm this is a demo: one process holds every share')
    .option('--definition <file>', 'the election definition the ceremony is bound to')
    .option('--base-hash <base64url>', "the definition's ceremony base hash, instead of --definition")
    .option(
      '--passphrase-file <file>',
      'demo: one passphrase per line, guardian 1 first (without it, each guardian types theirs)',
    )
    .action((options: CeremonyOptions) => runCeremonyCommand(options));
}
