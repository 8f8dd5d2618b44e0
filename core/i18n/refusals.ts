/**
 * What the screens say for each refusal (core/api/refusals.ts). The tables are
 * checked against the refusal types with `satisfies Record<…, MessageKey>`: a new
 * refusal kind or check-in reason without a message here does not typecheck.
 */
import type { CheckInRefusal, ReissueRefusal, StationRefusal } from '../api/refusals';
import { assertNever } from '../result';
import type { MessageKey } from './messages';

type PlainKind = Exclude<StationRefusal['kind'], 'check-in-refused' | 'reissue-refused'>;

export const REFUSAL_MESSAGES = {
  'no-election': 'pw.refusal.no-election',
  'polls-transition-not-allowed': 'pw.refusal.polls-transition-not-allowed',
  'polls-not-open': 'pw.refusal.polls-not-open',
  'voter-session-active': 'pw.refusal.voter-session-active',
  'ballots-pending': 'pw.refusal.ballots-pending',
  'unknown-ballot-style': 'pw.refusal.unknown-ballot-style',
  'wrong-session-phase': 'pw.refusal.wrong-session-phase',
  'invalid-marks': 'pw.refusal.invalid-marks',
  'undervote-not-acknowledged': 'pw.refusal.undervote-not-acknowledged',
  'not-pending': 'pw.refusal.not-pending',
  'still-printing': 'pw.refusal.still-printing',
  'still-committing': 'pw.refusal.still-committing',
  'ledger-append-failed': 'pw.refusal.ledger-append-failed',
  'ballots-already-recorded': 'pw.refusal.ballots-already-recorded',
  'election-already-loaded': 'pw.refusal.election-already-loaded',
  'nothing-to-reprint': 'pw.refusal.nothing-to-reprint',
  'printer-not-ready': 'pw.refusal.printer-not-ready',
  'package-refused': 'pw.refusal.package-refused',
  'no-media': 'pw.refusal.no-media',
  'export-failed': 'pw.refusal.export-failed',
} as const satisfies Record<PlainKind, MessageKey>;

export const CHECK_IN_REFUSAL_MESSAGES = {
  'malformed-voter-id': 'pw.checkIn.refused.malformed-voter-id',
  'not-on-voter-list': 'pw.checkIn.refused.not-on-voter-list',
  'other-precinct': 'pw.checkIn.refused.other-precinct',
  'already-checked-in': 'pw.checkIn.refused.already-checked-in',
  'no-voter-list': 'pw.checkIn.refused.no-voter-list',
  'no-pollbook-key': 'pw.checkIn.refused.no-pollbook-key',
  'pollbook-key-mismatch': 'pw.checkIn.refused.pollbook-key-mismatch',
  'polls-not-open': 'pw.checkIn.refused.polls-not-open',
  'voter-session-active': 'pw.checkIn.refused.voter-session-active',
  'awaiting-activation-card': 'pw.checkIn.refused.awaiting-activation-card',
  'no-ballot-style': 'pw.checkIn.refused.no-ballot-style',
  'no-audio-ballot': 'pw.checkIn.refused.no-audio-ballot',
  'printer-not-ready': 'pw.checkIn.refused.printer-not-ready',
  'ledger-append-failed': 'pw.checkIn.refused.ledger-append-failed',
} as const satisfies Record<CheckInRefusal, MessageKey>;

/** A reissue is refused for check-in's reasons too; only its own three read differently. */
const { 'already-checked-in': _notAReissueReason, ...CHECK_IN_REASONS_OF_REISSUE } = CHECK_IN_REFUSAL_MESSAGES;

export const REISSUE_REFUSAL_MESSAGES = {
  ...CHECK_IN_REASONS_OF_REISSUE,
  'not-checked-in': 'pw.reissue.refused.not-checked-in',
  'every-voter-has-a-ballot': 'pw.reissue.refused.every-voter-has-a-ballot',
  'ledger-append-failed': 'pw.reissue.refused.ledger-append-failed',
} as const satisfies Record<ReissueRefusal, MessageKey>;

/** The message for a refusal: a switch over every kind, so a kind without a case does not typecheck. */
export function refusalMessage(refusal: StationRefusal): MessageKey {
  switch (refusal.kind) {
    case 'check-in-refused':
      return CHECK_IN_REFUSAL_MESSAGES[refusal.reason];
    case 'reissue-refused':
      return REISSUE_REFUSAL_MESSAGES[refusal.reason];
    case 'no-election':
    case 'polls-transition-not-allowed':
    case 'polls-not-open':
    case 'voter-session-active':
    case 'ballots-pending':
    case 'unknown-ballot-style':
    case 'wrong-session-phase':
    case 'invalid-marks':
    case 'undervote-not-acknowledged':
    case 'not-pending':
    case 'still-printing':
    case 'still-committing':
    case 'ledger-append-failed':
    case 'ballots-already-recorded':
    case 'election-already-loaded':
    case 'nothing-to-reprint':
    case 'printer-not-ready':
    case 'package-refused':
    case 'no-media':
    case 'export-failed':
      return REFUSAL_MESSAGES[refusal.kind];
    default:
      return assertNever(refusal, 'station refusal');
  }
}
