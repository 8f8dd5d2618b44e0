/**
 * The messages folder of a key ceremony held between machines: the removable medium
 * the guardians carry between their machines (in tests, a folder they all share).
 * It holds only public or sealed messages, never a secret:
 *
 *   commitment-<guardian>.json            round 1: the hash of the announcement to come
 *   announcement-<guardian>.json          round 2: coefficient commitments, transport key, proofs
 *   share-<from>-to-<to>.json             round 3: one share, sealed to <to>, signed by <from>
 *   complaint-<accuser>-against-<accused>.json   a checkable accusation of a bad share
 *   acceptance-<guardian>.json            round 4: the guardian's signature on the transcript
 *
 * Every reader here checks what it reads (schemas, proofs, commitments) and names the
 * file and the guardian when something is wrong.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  announcementHash,
  ceremonyParametersHash,
  checkParameters,
  parseCeremonyAcceptance,
  parseCeremonyCommitment,
  parseGuardianAnnouncement,
  parseShareComplaint,
  parseShareMessage,
  verifyAnnouncement,
  verifyComplaint,
  type CeremonyAcceptance,
  type CeremonyCommitment,
  type CeremonyParameters,
  type GuardianAnnouncement,
  type RecordProblem,
  type ShareComplaint,
  type ShareMessage,
} from '../core/ballot';
import { bytesEqual, toHex } from '../core/encoding/bytes';
import type { GuardianId } from '../core/ids';
import type { Result } from '../core/result';
import { CliError } from './urna';

export const commitmentFile = (id: GuardianId) => `commitment-${id}.json`;
export const announcementFile = (id: GuardianId) => `announcement-${id}.json`;
export const shareFile = (from: GuardianId, to: GuardianId) => `share-${from}-to-${to}.json`;
export const complaintFile = (accuser: GuardianId, accused: GuardianId) =>
  `complaint-${accuser}-against-${accused}.json`;
export const acceptanceFile = (id: GuardianId) => `acceptance-${id}.json`;

/** A hash as guardians read it aloud to each other: hex in groups of four, first 16 bytes. */
export function fingerprint(hash: Uint8Array): string {
  return (toHex(hash.subarray(0, 16)).match(/.{4}/g) ?? []).join(' ');
}

function describeProblem(problem: RecordProblem): string {
  return problem.problem === 'schema' ? problem.detail : `${problem.detail} at ${problem.path}`;
}

/** Reads and parses one message file; undefined when it is not there. */
function readMessage<T>(dir: string, name: string, parse: (json: unknown) => Result<T, RecordProblem>): T | undefined {
  const file = path.join(dir, name);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`${file} is not JSON: copy it again from its guardian`);
  }
  const parsed = parse(json);
  if (!parsed.ok) throw new CliError(`${file} is not a valid ceremony message: ${describeProblem(parsed.error)}`);
  return parsed.value;
}

/** Writes a message; never over an earlier one (a second, different message would split the transcript). */
export function writeMessage(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  try {
    writeFileSync(file, text, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(
        `${file} already exists: this step was done before; a ceremony step is never repeated (start a new ceremony instead)`,
      );
    throw new CliError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return file;
}

export function ensureMessagesDir(dir: string): void {
  if (!existsSync(dir)) throw new CliError(`messages folder ${dir} does not exist`);
}

/** Guardians of `params` with no file of the given kind yet. */
function missing(dir: string, ids: readonly GuardianId[], name: (id: GuardianId) => string): GuardianId[] {
  return ids.filter((id) => !existsSync(path.join(dir, name(id))));
}

/**
 * The ceremony's parameters as the commitments state them. Every commitment must
 * state the same ones; with `expected`, they must be those.
 */
export function ceremonyParameters(
  dir: string,
  expected?: CeremonyParameters,
): { params: CeremonyParameters; commitments: Map<GuardianId, CeremonyCommitment> } {
  ensureMessagesDir(dir);
  const names = readdirSync(dir)
    .filter((n) => /^commitment-.+\.json$/.test(n))
    .sort();
  if (names.length === 0 && expected === undefined)
    throw new CliError(
      `${dir} holds no commitment-*.json: no guardian has run 'urna guardian init' with this messages folder`,
    );
  const commitments = new Map<GuardianId, CeremonyCommitment>();
  let params = expected;
  for (const name of names) {
    const c = readMessage(dir, name, parseCeremonyCommitment);
    if (c === undefined) continue;
    if (name !== commitmentFile(c.guardianId))
      throw new CliError(
        `${path.join(dir, name)} holds the commitment of ${c.guardianId}: a message file must keep its name`,
      );
    const stated: CeremonyParameters = { baseHash: c.baseHash, threshold: c.threshold, guardianIds: c.guardianIds };
    if (!checkParameters(stated).ok || stated.guardianIds[c.index - 1] !== c.guardianId)
      throw new CliError(`${c.guardianId}'s commitment states impossible parameters`);
    if (params === undefined) params = stated;
    else if (!bytesEqual(ceremonyParametersHash(params), ceremonyParametersHash(stated))) {
      throw new CliError(
        `${c.guardianId} started the ceremony with other parameters (parameters ${fingerprint(ceremonyParametersHash(stated))}, expected ${fingerprint(ceremonyParametersHash(params))}): ` +
          'every guardian must init with the same election definition, guardian count and threshold',
      );
    }
    commitments.set(c.guardianId, c);
  }
  if (params === undefined) throw new Error('invariant failed: parameters without commitments');
  return { params, commitments };
}

export function requireAll(
  dir: string,
  params: CeremonyParameters,
  name: (id: GuardianId) => string,
  what: string,
  except?: GuardianId,
): void {
  const absent = missing(dir, params.guardianIds, name).filter((id) => id !== except);
  if (absent.length > 0)
    throw new CliError(
      `waiting for ${what} from ${absent.join(', ')}: bring their files into ${dir}, then run this step again`,
    );
}

/**
 * Every announcement, in guardian order: each must match the commitment its guardian
 * made before seeing anyone else's, and carry valid proofs.
 */
export function readAnnouncements(
  dir: string,
  params: CeremonyParameters,
  commitments: ReadonlyMap<GuardianId, CeremonyCommitment>,
): GuardianAnnouncement[] {
  requireAll(dir, params, commitmentFile, 'commitments');
  requireAll(dir, params, announcementFile, 'announcements');
  return params.guardianIds.map((id) => {
    const a = readMessage(dir, announcementFile(id), parseGuardianAnnouncement) as GuardianAnnouncement;
    if (a.guardianId !== id) throw new CliError(`${announcementFile(id)} holds the announcement of ${a.guardianId}`);
    const committed = commitments.get(id);
    if (committed === undefined || !bytesEqual(committed.announcementHash, announcementHash(a))) {
      throw new CliError(
        `${id}'s announcement is not the one it committed to: ${id} changed its polynomial after the commitments were exchanged; start again without ${id}`,
      );
    }
    const checked = verifyAnnouncement(params, a);
    if (!checked.ok)
      throw new CliError(`${id}'s announcement fails its check '${checked.error.check}': start again without ${id}`);
    return a;
  });
}

export function readShare(dir: string, from: GuardianId, to: GuardianId): ShareMessage | undefined {
  return readMessage(dir, shareFile(from, to), parseShareMessage);
}

export function readComplaints(dir: string): ShareComplaint[] {
  return readdirSync(dir)
    .filter((n) => /^complaint-.+\.json$/.test(n))
    .sort()
    .map((name) => readMessage(dir, name, parseShareComplaint) as ShareComplaint);
}

/**
 * Any complaint stops the ceremony. The one to leave out of the next attempt is the
 * accused if the complaint stands (it signed a share that fails its own commitments),
 * else the accuser (an accusation that does not check is itself the misbehaviour).
 */
export function refuseOnComplaints(
  params: CeremonyParameters,
  announcements: readonly GuardianAnnouncement[],
  complaints: readonly ShareComplaint[],
): void {
  for (const complaint of complaints) {
    const judged = verifyComplaint(params, announcements, complaint);
    if (judged.ok) {
      throw new CliError(
        `complaint by ${complaint.accuser} stands: ${judged.value.accused} sent a share that does not match its own commitments. ` +
          `The ceremony cannot finish; start a new one without ${judged.value.accused} (see README, "When a guardian cheats or drops out")`,
      );
    }
    throw new CliError(
      `complaint by ${complaint.accuser} against ${complaint.accused} does not check (${judged.error.check}): ${complaint.accuser} made a false accusation. ` +
        `The ceremony cannot finish; start a new one without ${complaint.accuser}`,
    );
  }
}

export function readAcceptance(dir: string, id: GuardianId): CeremonyAcceptance | undefined {
  return readMessage(dir, acceptanceFile(id), parseCeremonyAcceptance);
}
