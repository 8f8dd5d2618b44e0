/**
 * Why the station refused a request: each one is something a person can cause.
 * Main returns these as typed results, the API error carries them across IPC
 * (main/api/handlers.ts; checked against `refusalSchema` on the way out,
 * main/api/dispatch.ts), and the screens switch on `kind` exhaustively
 * (core/i18n/refusals.ts), so a new kind without a message does not typecheck.
 */
import { z } from 'zod';
import type { PollsState, PollsTransition } from '../record/ballot-log-rules';
import type { MarkProblem } from './ballot';

/** Who was at the kiosk when a request needed it free (the voter session's phases). */
export type SessionPhase = 'none' | 'marking' | 'committed' | 'printing' | 'print-failed' | 'recording-failed' | 'cast';

/** What check-in answers when it refuses a voter. */
export type CheckInRefusal =
  | 'malformed-voter-id'
  | 'not-on-voter-list'
  | 'other-precinct'
  | 'already-checked-in'
  | 'no-voter-list'
  | 'no-pollbook-key'
  | 'pollbook-key-mismatch'
  | 'polls-not-open'
  | 'voter-session-active'
  | 'awaiting-activation-card'
  | 'no-ballot-style'
  /** The poll worker started the audio ballot, but the loaded package has none. */
  | 'no-audio-ballot'
  /** The printer cannot print now: a voter must not mark a ballot that cannot be printed. */
  | 'printer-not-ready'
  | 'ledger-append-failed';

/**
 * Why a new ballot for a voter already checked in is refused: check-in's reasons,
 * except that the voter must have checked in here before, and fewer ballots may be
 * cast or pending than voters checked in (someone checked in has no ballot).
 */
export type ReissueRefusal =
  Exclude<CheckInRefusal, 'already-checked-in'> | 'not-checked-in' | 'every-voter-has-a-ballot';

export type StationRefusal =
  | { readonly kind: 'no-election' }
  | { readonly kind: 'polls-transition-not-allowed'; readonly from: PollsState; readonly transition: PollsTransition }
  | { readonly kind: 'polls-not-open'; readonly polls: PollsState }
  | { readonly kind: 'voter-session-active'; readonly phase: SessionPhase }
  | { readonly kind: 'ballots-pending'; readonly count: number }
  | { readonly kind: 'unknown-ballot-style'; readonly ballotStyleId: string }
  | { readonly kind: 'wrong-session-phase'; readonly phase: SessionPhase; readonly expected: readonly SessionPhase[] }
  | { readonly kind: 'invalid-marks'; readonly problems: readonly MarkProblem[] }
  /** The voter has not yet seen the warning about contests with choices left. */
  | { readonly kind: 'undervote-not-acknowledged'; readonly contestIds: readonly string[] }
  | { readonly kind: 'not-pending'; readonly ballotId: string }
  | { readonly kind: 'still-printing'; readonly ballotId: string }
  /** The receipt's first part for this voter's commit is still printing. */
  | { readonly kind: 'still-committing' }
  /** `reason` is for the station log; the screens say only that nothing was recorded. */
  | { readonly kind: 'ledger-append-failed'; readonly reason: string; readonly cause: string }
  | { readonly kind: 'ballots-already-recorded'; readonly count: number }
  | { readonly kind: 'election-already-loaded' }
  | { readonly kind: 'nothing-to-reprint' }
  | { readonly kind: 'printer-not-ready'; readonly printerState: string }
  | { readonly kind: 'package-refused'; readonly codes: readonly string[] }
  | { readonly kind: 'no-media' }
  | { readonly kind: 'export-failed'; readonly reason: string }
  | { readonly kind: 'check-in-refused'; readonly reason: CheckInRefusal }
  | { readonly kind: 'reissue-refused'; readonly reason: ReissueRefusal };

export type RefusalKind = StationRefusal['kind'];

/** Every kind, spelled out for the schema; the type below checks the list is complete. */
export const REFUSAL_KINDS = [
  'no-election',
  'polls-transition-not-allowed',
  'polls-not-open',
  'voter-session-active',
  'ballots-pending',
  'unknown-ballot-style',
  'wrong-session-phase',
  'invalid-marks',
  'undervote-not-acknowledged',
  'not-pending',
  'still-printing',
  'still-committing',
  'ledger-append-failed',
  'ballots-already-recorded',
  'election-already-loaded',
  'nothing-to-reprint',
  'printer-not-ready',
  'package-refused',
  'no-media',
  'export-failed',
  'check-in-refused',
  'reissue-refused',
] as const satisfies readonly RefusalKind[];
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const refusalKindsComplete: SameMembers<(typeof REFUSAL_KINDS)[number], RefusalKind> = true;
void refusalKindsComplete;

/** A refusal as it crosses IPC: a known kind, and its fields. */
export const refusalSchema = z.looseObject({ kind: z.enum(REFUSAL_KINDS) });
