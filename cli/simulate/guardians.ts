/**
 * The guardians of a simulated election, as they would work for real: G separate
 * processes, one per guardian and step, each given only its own state folder and
 * the shared messages folder (the removable medium), through the same commands a
 * guardian types (`urna guardian init|announce|share|receive|accept`, then
 * `urna keys ceremony-record`, and after the polls `urna tally share --state`).
 *
 * Each guardian's passphrase reaches only that guardian's processes, through
 * URNA_GUARDIAN_PASSPHRASE in their own environment; no file holds two of them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toBase64Url, type Bytes } from '../../core/encoding/bytes';
import { ceremonyRecordHash } from '../../core/record/election';
import { CliError } from '../urna';

export type SimulatedGuardian = {
  readonly id: string;
  /** This guardian's machine: the only folder its processes are given besides the messages. */
  readonly stateDir: string;
  /** Typed by the guardian; here handed to that guardian's processes alone. */
  readonly passphrase: string;
};

export type GuardianCeremonyOutcome = {
  readonly messagesDir: string;
  /** The public record, guardians/key-ceremony.json. */
  readonly recordFile: string;
  readonly guardians: readonly SimulatedGuardian[];
  readonly jointKey: string;
  readonly recordHash: string;
};

const URNA_BIN = path.resolve(import.meta.dirname, '../../bin/urna.mjs');

/**
 * Runs one `urna` command as its own process. Its errors go to `echo` (stderr; stdout
 * is the summary's). What it tells a real guardian — where their key share is, to keep
 * their state folder, what to carry — is about folders in the simulation's working
 * folder, deleted after the run, so it is shown only when the command fails.
 */
export function runGuardianProcess(
  args: readonly string[],
  passphrase?: string,
  echo: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env['URNA_GUARDIAN_PASSPHRASE'];
  if (passphrase !== undefined) env['URNA_GUARDIAN_PASSPHRASE'] = passphrase;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [URNA_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const told: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => told.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => echo(chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 && told.length > 0) echo(Buffer.concat(told).toString('utf8'));
      resolve(code ?? 1);
    });
  });
}

/** The ceremony among `count` guardian processes, bound to the definition's ceremony base hash. */
export async function holdGuardianCeremony(
  workDir: string,
  count: number,
  threshold: number,
  baseHash: Bytes,
): Promise<GuardianCeremonyOutcome> {
  const ceremonyDir = path.join(workDir, 'guardians');
  const messagesDir = path.join(ceremonyDir, 'messages');
  mkdirSync(messagesDir, { recursive: true });
  const guardians: SimulatedGuardian[] = Array.from({ length: count }, (_, i) => ({
    id: `guardian-${i + 1}`,
    stateDir: path.join(workDir, 'guardian-machines', `guardian-${i + 1}`),
    passphrase: toBase64Url(randomBytes(18)),
  }));
  const common = (g: SimulatedGuardian) => ['--state', g.stateDir, '--messages', messagesDir];
  const steps: readonly (readonly [string, (g: SimulatedGuardian, i: number) => string[]])[] = [
    [
      'init',
      (g, i) => [
        '--guardians',
        String(count),
        '--threshold',
        String(threshold),
        '--index',
        String(i + 1),
        '--base-hash',
        toBase64Url(baseHash),
      ],
    ],
    ['announce', () => []],
    ['share', () => []],
    ['receive', () => []],
    ['accept', () => []],
  ];
  for (const [step, extra] of steps) {
    // Every guardian does a step before any does the next: each step waits for the others' messages.
    const codes = await Promise.all(
      guardians.map((g, i) => runGuardianProcess(['guardian', step, ...common(g), ...extra(g, i)], g.passphrase)),
    );
    const failed = guardians.filter((_, i) => codes[i] !== 0).map((g) => g.id);
    if (failed.length > 0) throw new CliError(`urna guardian ${step} failed for ${failed.join(', ')}`);
  }
  const recordFile = path.join(ceremonyDir, 'key-ceremony.json');
  if (
    (await runGuardianProcess([
      'keys',
      'ceremony-record',
      '--messages',
      messagesDir,
      '--out',
      recordFile,
      '--base-hash',
      toBase64Url(baseHash),
    ])) !== 0
  ) {
    throw new CliError('urna keys ceremony-record failed');
  }
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { jointKey?: unknown };
  if (typeof record.jointKey !== 'string') throw new Error('invariant failed: the ceremony record has no joint key');
  return { messagesDir, recordFile, guardians, jointKey: record.jointKey, recordHash: ceremonyRecordHash(record) };
}

/** One guardian's partial decryption, on its own machine with its own passphrase. */
export async function guardianTallyShare(
  guardian: SimulatedGuardian,
  record: string,
  out: string,
  extra: readonly string[],
): Promise<void> {
  const code = await runGuardianProcess(
    ['tally', 'share', '--record', record, '--state', guardian.stateDir, '--out', out, ...extra],
    guardian.passphrase,
  );
  if (code !== 0) throw new CliError(`urna tally share failed for ${guardian.id}`);
}
