/**
 * The ballot log's and the poll book's own entries (docs/SPEC.md §4.1). Each is versioned; all are strict. None holds a voter identity or a
 * precise time, and nothing in a ballot entry can be joined to a poll-book entry:
 * ballot ids are random, check-ins carry only a keyed hash of the voter id.
 *
 * Lifecycle of one ballot in the ballot log:
 *   ballot-pending  — the encrypted ballot, with proofs and its confirmation code,
 *                     committed before the paper is printed
 *   ballot-cast     — the printer confirmed the paper record and the receipt
 *   ballot-voided   — a pending ballot that did not print, voided by a poll worker
 *   ballot-challenged — instead of casting: the encryption plus the plaintext and
 *                     master nonce, so anyone can recompute it (Benaloh)
 * Every ballot whose code was shown (pending or challenged) advances the station's
 * confirmation-code chain, in log order.
 *
 * The poll book:
 *   check-in        — a voter on the list, not checked in before at this station
 *   ballot-reissued — a new ballot for a voter already checked in here who has
 *                     none (it was voided, or the session ended with nothing
 *                     recorded): the station issues one only while fewer ballots
 *                     are cast or pending than voters checked in; validators accept
 *                     one only for a voter hash checked in earlier in the same poll
 *                     book
 *
 * Each log records the polls lifecycle with its own entries and its own counts, so
 * the two share no counter: the ballot log has polls-opened, -paused,
 * -resumed, -closed with `ballotsCast` (ballot-cast entries before it); the poll
 * book has pollbook-opened, -paused, -resumed, -closed with `checkIns` and, from
 * v2, `ballotsReissued` (check-in and ballot-reissued entries before it).
 * Validators check each count against the log it is in, and that no check-in or
 * reissue comes before pollbook-opened or after pollbook-closed. What the two logs
 * still have in common is the lifecycle itself (both open, pause and close
 * together) and their order (docs/THREAT_MODEL.md).
 */
import { z } from 'zod';
import { encryptedBallotSchemaProblem } from '../ballot/encrypted-ballot-record';
import { challengedBallotSchema, encryptedBallotSchema } from '../ballot/records';
import { BALLOT_ID_PATTERN } from '../ballot/manifest';
import { ID_PATTERN } from '../ids';
import {
  defineEntry,
  demoNoteEntry,
  EntryRegistry,
  lifecycleEntryDefinitions,
  type EntryOf,
  type LedgerEntry,
  type LifecycleEntry,
  type PollBookLifecycleEntry,
} from './entries';

const base64Url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected 32 bytes as unpadded base64url');
const ballotId = z.string().regex(BALLOT_ID_PATTERN, 'expected a ballot id');
const id = z.string().regex(ID_PATTERN, 'expected an id');

/** The first member of `entry` its schema does not name, as zod words it. */
function unknownMember(entry: Readonly<Record<string, unknown>>, names: readonly string[]): string | undefined {
  const extra = Object.keys(entry).find((key) => !names.includes(key));
  return extra === undefined ? undefined : `✖ Unrecognized key: ${JSON.stringify(extra)}`;
}

function mismatch(value: unknown, pattern: RegExp, rule: string, where: string): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? undefined : `✖ ${rule}\n  → at ${where}`;
}

const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

export const ballotPendingEntry = defineEntry({
  type: 'ballot-pending',
  v: 1,
  logs: ['ballots'],
  fields: { ballotStyleId: id, ballot: encryptedBallotSchema, confirmationCode: base64Url32 },
  // Every ballot a validator or a verifier reads: its rules by hand (encrypted-ballot-record.ts).
  check: (entry) =>
    unknownMember(entry, ['type', 'v', 'ballotStyleId', 'ballot', 'confirmationCode']) ??
    mismatch(entry['ballotStyleId'], ID_PATTERN, 'expected an id', 'ballotStyleId') ??
    encryptedBallotSchemaProblem(entry['ballot'], 'ballot') ??
    mismatch(entry['confirmationCode'], BASE64URL_32, 'expected 32 bytes as unpadded base64url', 'confirmationCode'),
});

export const ballotCastEntry = defineEntry({
  type: 'ballot-cast',
  v: 1,
  logs: ['ballots'],
  fields: { ballotId },
  check: (entry) =>
    unknownMember(entry, ['type', 'v', 'ballotId']) ??
    mismatch(entry['ballotId'], BALLOT_ID_PATTERN, 'expected a ballot id', 'ballotId'),
});

/** Why a pending ballot was voided; each is a poll worker's recorded decision. */
export const VOID_REASONS = ['not-printed', 'printed-incorrectly', 'voter-left'] as const;
export type VoidReason = (typeof VOID_REASONS)[number];

export const ballotVoidedEntry = defineEntry({
  type: 'ballot-voided',
  v: 1,
  logs: ['ballots'],
  fields: { ballotId, reason: z.enum(VOID_REASONS) },
});

export const ballotChallengedEntry = defineEntry({
  type: 'ballot-challenged',
  v: 1,
  logs: ['ballots'],
  fields: {
    ballotStyleId: id,
    ballot: encryptedBallotSchema,
    confirmationCode: base64Url32,
    challenge: challengedBallotSchema,
  },
});

/** How the checked-in voter's session was activated. */
export const ACTIVATION_METHODS = ['kiosk', 'card'] as const;

/** A voter admitted to vote: no ballot id, no counter, no time. */
const VOTER_FIELDS = {
  /** HMAC-SHA-256 of the voter id under the poll-book key: never the id itself. */
  voterHash: base64Url32,
  precinctId: id,
  ballotStyleId: id,
  activation: z.enum(ACTIVATION_METHODS),
};

export const checkInEntry = defineEntry({ type: 'check-in', v: 1, logs: ['pollbook'], fields: VOTER_FIELDS });

/**
 * A new ballot for a voter already checked in at this station who has no ballot (it
 * was voided, or the session ended with nothing recorded): the same fields as their
 * check-in (and the same keyed hash), so the validators can tie it to that check-in.
 */
export const ballotReissuedEntry = defineEntry({
  type: 'ballot-reissued',
  v: 1,
  logs: ['pollbook'],
  fields: VOTER_FIELDS,
});

export type BallotPendingEntry = EntryOf<typeof ballotPendingEntry>;
export type BallotCastEntry = EntryOf<typeof ballotCastEntry>;
export type BallotVoidedEntry = EntryOf<typeof ballotVoidedEntry>;
export type BallotChallengedEntry = EntryOf<typeof ballotChallengedEntry>;
export type CheckInEntry = EntryOf<typeof checkInEntry>;
export type BallotReissuedEntry = EntryOf<typeof ballotReissuedEntry>;

/** What a station writes to its ballot log, discriminated by `type`. */
export type BallotLogEntry =
  BallotPendingEntry | BallotCastEntry | BallotVoidedEntry | BallotChallengedEntry | LifecycleEntry;
/** What a station writes to its poll book (it writes the v2 lifecycle entries). */
export type PollBookEntry = CheckInEntry | BallotReissuedEntry | PollBookLifecycleEntry;
/** Every entry a station writes. */
export type StationEntry = BallotLogEntry | PollBookEntry;

const BALLOT_LOG_TYPES: ReadonlySet<string> = new Set<BallotLogEntry['type']>([
  'ballot-pending',
  'ballot-cast',
  'ballot-voided',
  'ballot-challenged',
  'polls-opened',
  'polls-paused',
  'polls-resumed',
  'polls-closed',
]);

/**
 * An entry read back from a ballot log as the station's own kind, or null for any
 * other (a demonstration note). The ledger checked the entry against its registry's
 * schema when it was appended (main/ledger/store.ts), so its type names its shape:
 * this is the one place that relies on it.
 */
export function asBallotLogEntry(entry: LedgerEntry): BallotLogEntry | null {
  return BALLOT_LOG_TYPES.has(entry.type) ? (entry as BallotLogEntry) : null;
}

/** Everything a real station's logs accept: lifecycle, ballots, check-ins and reissues; no demo notes. */
export const electionEntryRegistry = new EntryRegistry([
  ...lifecycleEntryDefinitions,
  ballotPendingEntry,
  ballotCastEntry,
  ballotVoidedEntry,
  ballotChallengedEntry,
  checkInEntry,
  ballotReissuedEntry,
]);

/** A demonstration station also takes synthetic notes. */
export const demoEntryRegistry = electionEntryRegistry.with(demoNoteEntry);
