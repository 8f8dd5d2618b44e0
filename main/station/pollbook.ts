/**
 * The poll book: who has checked in, as keyed hashes only (core/election/pollbook.ts).
 *
 * The precinct voter lists arrive signed inside the election package; the HMAC key
 * is provisioned to the station beside it (`<data dir>/pollbook.key`, 32 bytes,
 * mode 0600), never published, and checked against the package's `pollBookKeyId`.
 * The set of voters already checked in is folded from the poll-book log, so a
 * restart forgets nobody.
 *
 * A check-in entry holds the voter's keyed hash, precinct, ballot style and how
 * the session was activated: no ballot id, no counter shared with the ballot log,
 * no time. The ballot log and the poll-book log cannot be joined through it. A
 * ballot-reissued entry holds the same fields for a voter already checked in here
 * who has no ballot (it was voided, or the session ended with nothing recorded).
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckInRefusal, ReissueRefusal } from '../../core/api/station-api';
import { ballotStylesForPrecinct, type ElectionDefinition } from '../../core/election/definition';
import { isPlausibleVoterId, pollBookKeyId, POLLBOOK_KEY_BYTES, voterHash } from '../../core/election/pollbook';
import type { LedgerEntry } from '../../core/ledger/entries';
import { err, ok, type Result } from '../../core/result';
import { writeFileAtomically } from '../election/election-store';

export const POLLBOOK_KEY_FILE = 'pollbook.key';

export type PollBookKeyState = 'missing' | 'mismatch' | 'ok' | 'no-election';

/** Reads the provisioned poll-book key; a key readable by others is refused like the station key. */
export function readPollBookKey(dataDir: string): Result<Uint8Array, 'missing' | 'insecure' | 'malformed'> {
  const file = path.join(dataDir, POLLBOOK_KEY_FILE);
  if (!existsSync(file)) return err('missing');
  if ((lstatSync(file).mode & 0o077) !== 0) return err('insecure');
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) return err('malformed');
  return ok(Uint8Array.from(Buffer.from(hex, 'hex')));
}

/** Provisioning: stores the election's poll-book key (hex, mode 0600). */
export function provisionPollBookKey(dataDir: string, key: Uint8Array): void {
  if (key.length !== POLLBOOK_KEY_BYTES) throw new RangeError(`a poll-book key has ${POLLBOOK_KEY_BYTES} bytes`);
  writeFileAtomically(path.join(dataDir, POLLBOOK_KEY_FILE), `${Buffer.from(key).toString('hex')}\n`, 0o600);
}

/** Where a voter's hash is listed: the precinct and the ballot style its voters receive. */
type ListedVoter = { readonly precinctId: string; readonly ballotStyleId: string | null };

/** A voter found on the list: what their check-in or reissue entry records. */
export type FoundVoter = { readonly voterHash: string; readonly precinctId: string; readonly ballotStyleId: string };

/** Why a voter id cannot be found on this station's lists, whether checked in or not. */
type ListRefusal = Exclude<CheckInRefusal, 'already-checked-in' | 'no-ballot-style'>;

export class PollBook {
  private readonly checkedIn = new Set<string>();
  private checkInEntries = 0;
  private reissueEntries = 0;
  private listed: Map<string, ListedVoter> | null = null;
  private listedFor: ElectionDefinition | null = null;

  constructor(
    private readonly key: Uint8Array | null,
    /** The precinct this station serves (from provisioning), or null to accept any precinct's voters. */
    readonly precinctId: string | null,
  ) {}

  /** Folds the poll-book log: every voter hash already checked in, and the reissues. */
  recover(entries: Iterable<LedgerEntry>): void {
    for (const entry of entries) this.apply(entry);
  }

  apply(entry: LedgerEntry): void {
    if (entry.type === 'check-in') {
      this.checkedIn.add(entry['voterHash'] as string);
      this.checkInEntries += 1;
    } else if (entry.type === 'ballot-reissued') {
      this.reissueEntries += 1;
    }
  }

  /** Check-in entries in the poll-book log: a count its pollbook-* entries state. */
  get checkIns(): number {
    return this.checkInEntries;
  }

  /** Ballot-reissued entries in the poll-book log: the other count its pollbook-* entries state. */
  get ballotsReissued(): number {
    return this.reissueEntries;
  }

  keyState(definition: ElectionDefinition | null): PollBookKeyState {
    if (definition === null) return 'no-election';
    if (this.key === null) return 'missing';
    return definition.pollBookKeyId !== undefined && pollBookKeyId(this.key) === definition.pollBookKeyId
      ? 'ok'
      : 'mismatch';
  }

  /**
   * Finds the voter on the signed lists and checks they have not voted here yet.
   * Records nothing: the caller appends the check-in entry, then calls `apply`.
   */
  lookUp(definition: ElectionDefinition, voterId: string): Result<FoundVoter, CheckInRefusal> {
    const found = this.find(definition, voterId);
    if (!found.ok) return found;
    const { hash, voter } = found.value;
    if (this.checkedIn.has(hash)) return err('already-checked-in');
    if (voter.ballotStyleId === null) return err('no-ballot-style');
    return ok({ voterHash: hash, precinctId: voter.precinctId, ballotStyleId: voter.ballotStyleId });
  }

  /**
   * Finds the voter on the signed lists and checks they have checked in here
   * already: the one a reissued ballot may go to. Records nothing either.
   */
  lookUpCheckedIn(definition: ElectionDefinition, voterId: string): Result<FoundVoter, ReissueRefusal> {
    const found = this.find(definition, voterId);
    if (!found.ok) return found;
    const { hash, voter } = found.value;
    if (!this.checkedIn.has(hash)) return err('not-checked-in');
    if (voter.ballotStyleId === null) return err('no-ballot-style');
    return ok({ voterHash: hash, precinctId: voter.precinctId, ballotStyleId: voter.ballotStyleId });
  }

  private find(
    definition: ElectionDefinition,
    voterId: string,
  ): Result<{ readonly hash: string; readonly voter: ListedVoter }, ListRefusal> {
    if (!isPlausibleVoterId(voterId)) return err('malformed-voter-id');
    const keyState = this.keyState(definition);
    if (keyState === 'missing' || this.key === null) return err('no-pollbook-key');
    if (keyState !== 'ok') return err('pollbook-key-mismatch');
    const listed = this.listedVoters(definition);
    if (listed.size === 0) return err('no-voter-list');
    const hash = voterHash(this.key, definition.electionId, voterId);
    const voter = listed.get(hash);
    if (voter === undefined) return err('not-on-voter-list');
    if (this.precinctId !== null && voter.precinctId !== this.precinctId) return err('other-precinct');
    return ok({ hash, voter });
  }

  private listedVoters(definition: ElectionDefinition): Map<string, ListedVoter> {
    if (this.listed !== null && this.listedFor === definition) return this.listed;
    const listed = new Map<string, ListedVoter>();
    for (const precinct of definition.precincts) {
      // A precinct's voters receive its first ballot style; the definition requires one.
      const ballotStyleId = ballotStylesForPrecinct(definition, precinct.id)[0]?.id ?? null;
      for (const hash of precinct.voterList ?? []) listed.set(hash, { precinctId: precinct.id, ballotStyleId });
    }
    this.listed = listed;
    this.listedFor = definition;
    return listed;
  }
}
