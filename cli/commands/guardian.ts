/**
 * `urna guardian …`: the key ceremony as each guardian performs it on their own
 * machine, with their own state folder, exchanging only public or sealed messages
 * through a messages folder (removable media carried between the machines).
 *
 *   init      choose the passphrase; draw this guardian's polynomial and transport key
 *             (kept encrypted in the state folder); publish a commitment to the announcement
 *   announce  once every commitment is in: publish the announcement itself
 *   share     check every announcement; publish one sealed, signed share per other guardian
 *   receive   open the shares sent to this guardian, check each against its sender's
 *             commitments; a bad one becomes a complaint anyone can check
 *   accept    sign the hash of the whole public transcript; keep only the key share
 *
 * Then anyone runs `urna keys ceremony-record` to assemble the public record. No step
 * reads another guardian's state or passphrase: each process opens its own state
 * folder and the messages folder, nothing else.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  ceremonyAcceptanceToRecord,
  ceremonyCommitmentToRecord,
  ceremonyParametersHash,
  ceremonyTranscriptHash,
  Guardian,
  guardianAnnouncementToRecord,
  guardianCeremonyStateToRecord,
  jointKeyOf,
  parseGuardianCeremonyState,
  recordToCanonicalJson,
  shareComplaintToRecord,
  shareMessageToRecord,
  type CeremonyParameters,
  type GuardianAnnouncement,
  type GuardianCeremonyState,
} from '../../core/ballot';
import { type Bytes, fromBase64Url } from '../../core/encoding/bytes';
import { parseDefinitionBeforeCeremony, electionCeremonyBaseHash } from '../../core/election/package';
import { describeElectionErrors } from '../../core/election/errors';
import type { GuardianId } from '../../core/ids';
import {
  acceptanceFile,
  announcementFile,
  ceremonyParameters,
  commitmentFile,
  complaintFile,
  ensureMessagesDir,
  fingerprint,
  readAnnouncements,
  readComplaints,
  readShare,
  refuseOnComplaints,
  requireAll,
  shareFile,
  writeMessage,
} from '../ceremony-messages';
import {
  ENCRYPTED_STATE_TYPE,
  encryptGuardianShare,
  MIN_PASSPHRASE_LENGTH,
  openGuardianSecret,
  promptPassphrase,
  readOnePassphrase,
  sealGuardianSecret,
} from '../guardian-files';
import { CliError } from '../urna';

/** In the guardian's state folder: the ceremony state until `accept`, then the key share. */
export const STATE_FILE = 'ceremony-state.secret.json';
export const KEY_FILE = 'guardian-key.secret.json';

type StepOptions = { state: string; messages: string; passphraseFile?: string };
type InitOptions = StepOptions & {
  guardians: string;
  threshold: string;
  index: string;
  definition?: string;
  baseHash?: string;
};

function integer(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** The 32 bytes the ceremony is bound to: the election definition's ceremony base hash. */
export function ceremonyBaseHashFromOptions(options: { definition?: string; baseHash?: string }): Bytes {
  if ((options.definition === undefined) === (options.baseHash === undefined)) {
    throw new CliError(
      'give the election definition the ceremony is for (--definition FILE), or its ceremony base hash (--base-hash)',
    );
  }
  if (options.baseHash !== undefined) {
    let bytes: Bytes | undefined;
    try {
      bytes = fromBase64Url(options.baseHash);
    } catch {
      bytes = undefined;
    }
    if (bytes?.length !== 32) throw new CliError('--base-hash must be 32 bytes of unpadded base64url');
    return bytes;
  }
  const file = options.definition as string;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      `cannot read the election definition ${file}: ${error instanceof SyntaxError ? 'not JSON' : ((error as NodeJS.ErrnoException).code ?? String(error))}`,
    );
  }
  const parsed = parseDefinitionBeforeCeremony(json);
  if (!parsed.ok)
    throw new CliError(`${file} is not an election definition:\n${describeElectionErrors(parsed.error, 'en')}`);
  return electionCeremonyBaseHash(parsed.value);
}

/** The passphrase of this one guardian: a one-line file, the environment, or typed. */
async function passphraseOf(options: StepOptions, confirm: boolean): Promise<string> {
  let passphrase: string | undefined;
  if (options.passphraseFile !== undefined) passphrase = readOnePassphrase(options.passphraseFile);
  else if (process.env['URNA_GUARDIAN_PASSPHRASE']) passphrase = process.env['URNA_GUARDIAN_PASSPHRASE'];
  else {
    const typed = await promptPassphrase(
      confirm ? 'choose a passphrase for your guardian state: ' : 'your guardian passphrase: ',
    );
    if (typed === null)
      throw new CliError(
        'no passphrase: type it on a terminal, or give --passphrase-file FILE (one line, yours alone) or URNA_GUARDIAN_PASSPHRASE',
      );
    if (confirm && (await promptPassphrase('type it again: ')) !== typed)
      throw new CliError('the two passphrases differ');
    passphrase = typed;
  }
  if (confirm && [...passphrase].length < MIN_PASSPHRASE_LENGTH)
    throw new CliError(`the passphrase is shorter than ${MIN_PASSPHRASE_LENGTH} characters`);
  return passphrase;
}

function sameFolder(a: string, b: string): boolean {
  const ra = path.resolve(a);
  const rb = path.resolve(b);
  return ra === rb || ra.startsWith(`${rb}${path.sep}`) || rb.startsWith(`${ra}${path.sep}`);
}

function checkFolders(options: StepOptions): void {
  if (sameFolder(options.state, options.messages)) {
    throw new CliError(
      'the state folder and the messages folder must be apart: the messages are carried to the other guardians, the state never leaves this machine',
    );
  }
  ensureMessagesDir(options.messages);
}

/** Replaces a secret file in one step (write beside it, then rename), mode 0600. */
function writeSecret(file: string, text: string, exclusive: boolean): void {
  if (exclusive && existsSync(file)) throw new CliError(`${file} already exists`);
  const temporary = `${file}.new`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

function saveState(options: StepOptions, guardian: Guardian, passphrase: string, exclusive = false): void {
  const state: GuardianCeremonyState = {
    params: guardian.params,
    guardianId: guardian.guardianId,
    secrets: guardian.exportSecrets(),
    announcement: guardian.announcement,
  };
  const text = sealGuardianSecret(
    ENCRYPTED_STATE_TYPE,
    guardian.guardianId,
    recordToCanonicalJson(guardianCeremonyStateToRecord(state)),
    passphrase,
  );
  writeSecret(path.join(options.state, STATE_FILE), text, exclusive);
}

async function loadState(options: StepOptions): Promise<{ guardian: Guardian; passphrase: string }> {
  checkFolders(options);
  const file = path.join(options.state, STATE_FILE);
  if (!existsSync(file)) {
    const done = existsSync(path.join(options.state, KEY_FILE));
    throw new CliError(
      done
        ? `${options.state}: this guardian has accepted already; its key share is in ${KEY_FILE}`
        : `${options.state} holds no guardian state: run 'urna guardian init' first`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0)
    throw new CliError(`${file} is readable by group or others: chmod 600 it first`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`${file} is not JSON`);
  }
  const passphrase = await passphraseOf(options, false);
  const parsed = parseGuardianCeremonyState(openGuardianSecret(file, json, passphrase, ENCRYPTED_STATE_TYPE));
  if (!parsed.ok) throw new CliError(`${file} does not hold a guardian's ceremony state`);
  const { params, guardianId, secrets, announcement } = parsed.value;
  const guardian = Guardian.restore(params, guardianId, secrets, announcement);
  if (!guardian.ok)
    throw new CliError(`${file}: the saved state does not match its announcement (${guardian.error.check})`);
  return { guardian: guardian.value, passphrase };
}

/** The parameters in the folder must be the ones this guardian started from. */
function commitmentsFor(options: StepOptions, params: CeremonyParameters) {
  return ceremonyParameters(options.messages, params);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function initCommand(options: InitOptions): Promise<void> {
  const count = integer(options.guardians, 'guardians', 1, 100);
  const threshold = integer(options.threshold, 'threshold', 1, count);
  const index = integer(options.index, 'index', 1, count);
  const baseHash = ceremonyBaseHashFromOptions(options);
  const guardianIds = Array.from({ length: count }, (_, i) => `guardian-${i + 1}` as GuardianId);
  const params: CeremonyParameters = { baseHash, guardianIds, threshold };
  const guardianId = guardianIds[index - 1] as GuardianId;

  checkFolders(options);
  if (existsSync(options.state) && readdirSync(options.state).length > 0)
    throw new CliError(`${options.state} is not empty: each ceremony starts with a new, empty state folder`);
  // Messages already there must be of this very ceremony.
  if (readdirSync(options.messages).some((n) => n.startsWith('commitment-'))) commitmentsFor(options, params);
  if (existsSync(`${options.messages}/${commitmentFile(guardianId)}`))
    throw new CliError(`${guardianId} has a commitment in ${options.messages} already`);

  const passphrase = await passphraseOf(options, true);
  const created = Guardian.create(params, guardianId);
  if (!created.ok) throw new CliError(`cannot start: ${created.error.check}`);
  const guardian = created.value;
  mkdirSync(options.state, { recursive: true, mode: 0o700 });
  chmodSync(options.state, 0o700);
  saveState(options, guardian, passphrase, true);
  writeMessage(
    options.messages,
    commitmentFile(guardianId),
    `${recordToCanonicalJson(ceremonyCommitmentToRecord(guardian.commitment()))}\n`,
  );
  say(`${guardianId}: guardian ${index} of ${count}, threshold ${threshold}`);
  say(`ceremony parameters ${fingerprint(ceremonyParametersHash(params))} (every guardian must see the same)`);
  say(`state (encrypted, mode 0600, never leaves this machine): ${path.join(options.state, STATE_FILE)}`);
  say(`carry to the others: ${commitmentFile(guardianId)}; next: 'urna guardian announce' once every commitment is in`);
}

async function announceCommand(options: StepOptions): Promise<void> {
  const { guardian } = await loadState(options);
  const { params } = commitmentsFor(options, guardian.params);
  requireAll(options.messages, params, commitmentFile, 'commitments');
  writeMessage(
    options.messages,
    announcementFile(guardian.guardianId),
    `${recordToCanonicalJson(guardianAnnouncementToRecord(guardian.announcement))}\n`,
  );
  say(
    `${guardian.guardianId}: every commitment is in; announced (${announcementFile(guardian.guardianId)}). Next: 'urna guardian share' once every announcement is in`,
  );
}

/** Takes every other guardian's announcement; one that fails its checks stops the step, naming the guardian and the check. */
function receiveOthersAnnouncements(guardian: Guardian, announcements: readonly GuardianAnnouncement[]): void {
  for (const a of announcements) {
    if (a.guardianId === guardian.guardianId) continue;
    const received = guardian.receiveAnnouncement(a);
    if (!received.ok) throw new CliError(`${a.guardianId}'s announcement fails ${received.error.check}`);
  }
}

async function shareCommand(options: StepOptions): Promise<void> {
  const { guardian } = await loadState(options);
  const { params, commitments } = commitmentsFor(options, guardian.params);
  const announcements = readAnnouncements(options.messages, params, commitments);
  const written: string[] = [];
  for (const a of announcements) {
    if (a.guardianId === guardian.guardianId) {
      if (
        !(
          recordToCanonicalJson(guardianAnnouncementToRecord(a)) ===
          recordToCanonicalJson(guardianAnnouncementToRecord(guardian.announcement))
        )
      ) {
        throw new CliError(
          `the announcement under your name in ${options.messages} is not the one you made: the messages were tampered with; stop the ceremony`,
        );
      }
    }
  }
  receiveOthersAnnouncements(guardian, announcements);
  for (const a of announcements) {
    if (a.guardianId === guardian.guardianId) continue;
    const name = shareFile(guardian.guardianId, a.guardianId);
    writeMessage(
      options.messages,
      name,
      `${recordToCanonicalJson(shareMessageToRecord(guardian.shareFor(a.guardianId)))}\n`,
    );
    written.push(name);
  }
  say(
    `${guardian.guardianId}: checked ${announcements.length} announcements; wrote ${written.length} sealed shares (${written.join(', ')})`,
  );
  say(
    `joint key will be ${fingerprint(jointKeyOf(announcements).bytes)}; next: 'urna guardian receive' once every share is in`,
  );
}

async function receiveCommand(options: StepOptions): Promise<void> {
  const { guardian, passphrase } = await loadState(options);
  const { params, commitments } = commitmentsFor(options, guardian.params);
  const announcements = readAnnouncements(options.messages, params, commitments);
  receiveOthersAnnouncements(guardian, announcements);
  const senders = params.guardianIds.filter((id) => id !== guardian.guardianId);
  const absent = senders.filter(
    (from) => !existsSync(path.join(options.messages, shareFile(from, guardian.guardianId))),
  );
  if (absent.length > 0)
    throw new CliError(
      `waiting for shares from ${absent.join(', ')} (${absent.map((from) => shareFile(from, guardian.guardianId)).join(', ')})`,
    );
  const complaints: string[] = [];
  const forged: string[] = [];
  for (const from of senders) {
    const message = readShare(options.messages, from, guardian.guardianId);
    if (message === undefined) throw new Error('invariant failed: share vanished');
    if (message.from !== from || message.to !== guardian.guardianId) {
      forged.push(shareFile(from, guardian.guardianId));
      continue;
    }
    const received = guardian.receiveShare(message);
    if (received.ok) continue;
    if (received.error.problem === 'unauthenticated') {
      forged.push(shareFile(from, guardian.guardianId));
      continue;
    }
    const name = complaintFile(guardian.guardianId, from);
    writeMessage(
      options.messages,
      name,
      `${recordToCanonicalJson(shareComplaintToRecord(received.error.complaint))}\n`,
    );
    complaints.push(`${from} (${name})`);
  }
  saveState(options, guardian, passphrase);
  if (forged.length > 0) {
    throw new CliError(
      `not signed by their sender (forged or damaged, so they prove nothing against anyone): ${forged.join(', ')}. Ask the sender for the file again; nothing else was changed`,
    );
  }
  if (complaints.length > 0) {
    throw new CliError(
      `bad share from ${complaints.join(', ')}: the complaint is published beside the messages and anyone can check it. ` +
        'The ceremony cannot finish; start a new one without that guardian (README, "When a guardian cheats or drops out")',
    );
  }
  say(
    `${guardian.guardianId}: every share checks against its sender's commitments (${senders.length} received); next: 'urna guardian accept' once every guardian has received`,
  );
}

async function acceptCommand(options: StepOptions): Promise<void> {
  const { guardian, passphrase } = await loadState(options);
  const { params, commitments } = commitmentsFor(options, guardian.params);
  const announcements = readAnnouncements(options.messages, params, commitments);
  const own = announcements.find((a) => a.guardianId === guardian.guardianId);
  if (
    own === undefined ||
    recordToCanonicalJson(guardianAnnouncementToRecord(own)) !==
      recordToCanonicalJson(guardianAnnouncementToRecord(guardian.announcement))
  ) {
    throw new CliError(
      `the announcement under your name in ${options.messages} is not the one you made: stop the ceremony`,
    );
  }
  receiveOthersAnnouncements(guardian, announcements);
  refuseOnComplaints(params, announcements, readComplaints(options.messages));
  const finished = guardian.finish();
  if (!finished.ok)
    throw new CliError(`no valid share yet from ${finished.error.from.join(', ')}: run 'urna guardian receive' first`);
  const transcript = ceremonyTranscriptHash(params, announcements);
  const keyFile = path.join(options.state, KEY_FILE);
  writeSecret(keyFile, encryptGuardianShare(finished.value, passphrase), true);
  writeMessage(
    options.messages,
    acceptanceFile(guardian.guardianId),
    `${recordToCanonicalJson(ceremonyAcceptanceToRecord(guardian.accept(transcript)))}\n`,
  );
  // The polynomial and the received shares are needed no more: only the key share stays.
  rmSync(path.join(options.state, STATE_FILE));
  say(
    `${guardian.guardianId}: accepted transcript ${fingerprint(transcript)} (read it aloud: every guardian must have the same)`,
  );
  say(`your key share (encrypted, mode 0600): ${keyFile}; it is the only secret left in ${options.state}`);
  say(`carry ${acceptanceFile(guardian.guardianId)} to whoever assembles the record ('urna keys ceremony-record')`);
}

export function register(program: Command): void {
  const guardian = program
    .command('guardian')
    .description(
      "the key ceremony as one guardian performs it on their own machine: init, announce, share, receive, accept (then 'urna keys ceremony-record')",
    );
  const step = (name: string, description: string) =>
    guardian
      .command(name)
      .description(description)
      .requiredOption('--state <dir>', "this guardian's own state folder (never copied off this machine)")
      .requiredOption(
        '--messages <dir>',
        'the messages folder carried between the guardians (public and sealed messages only)',
      )
      .option(
        '--passphrase-file <file>',
        "this guardian's passphrase, one line, theirs alone (else URNA_GUARDIAN_PASSPHRASE, else typed)",
      );
  step(
    'init',
    "start: draw this guardian's polynomial and transport key (kept encrypted); publish a commitment to its announcement",
  )
    .requiredOption('--guardians <n>', 'number of guardians')
    .requiredOption('--threshold <k>', 'guardians needed to decrypt')
    .requiredOption('--index <i>', "this guardian's number, 1 to n (its id is guardian-<i>)")
    .option('--definition <file>', 'the election definition (or package) the ceremony is for')
    .option('--base-hash <base64url>', "the definition's ceremony base hash, instead of --definition")
    .action((options: InitOptions) => initCommand(options));
  step(
    'announce',
    'once every commitment is in: publish the announcement (coefficient commitments, transport key, proofs)',
  ).action((options: StepOptions) => announceCommand(options));
  step('share', 'check every announcement; publish one share per other guardian, sealed to them and signed').action(
    (options: StepOptions) => shareCommand(options),
  );
  step(
    'receive',
    "open the shares sent to this guardian and check each against its sender's commitments; a bad one becomes a public complaint",
  ).action((options: StepOptions) => receiveCommand(options));
  step('accept', 'sign the hash of the whole public transcript; keep only the key share').action(
    (options: StepOptions) => acceptCommand(options),
  );
}
