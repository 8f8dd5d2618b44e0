/**
 * The kiosk shows the voter's screens or the poll worker's desk, never both: the
 * desk only with no voter session on, or when a session that stopped for a poll
 * worker hands over to a poll worker's card.
 */
import { describe, expect, it } from 'vitest';
import type { StaffSessionView, StationStatus, VoterScreen } from '../../../core/api/station-api';
import type { SessionPhase } from '../../../core/api/refusals';
import { kioskView } from '../../../renderer/src/kiosk-view';

const STAFF: readonly StaffSessionView[] = [
  { state: 'no-reader' },
  { state: 'reader-unavailable' },
  { state: 'no-card' },
  { state: 'reading-card' },
  { state: 'card-refused', reason: 'card-not-genuine' },
  { state: 'awaiting-pin', role: 'poll-worker', cardId: 'pw-0001', wrongPin: null },
  { state: 'checking-pin', role: 'poll-worker', cardId: 'pw-0001' },
  { state: 'signed-in', role: 'poll-worker', cardId: 'pw-0001', idleSignOutMs: 600_000 },
  { state: 'locked', cardId: 'pw-0001' },
  { state: 'voter-card' },
];
const CARD_IN = ['awaiting-pin', 'checking-pin', 'signed-in', 'locked'];
const VOTER_PHASES: readonly Exclude<SessionPhase, 'none'>[] = [
  'marking',
  'committed',
  'printing',
  'print-failed',
  'recording-failed',
  'cast',
];

/** Only the fields kioskView reads: the session's phase and the staff session. */
function screenIn(phase: SessionPhase): VoterScreen {
  const session = phase === 'none' ? { phase, lastEnded: null } : { phase };
  return { session } as unknown as VoterScreen;
}
function statusWith(staff: StaffSessionView): StationStatus {
  return { staff } as unknown as StationStatus;
}

describe('what the kiosk shows', () => {
  it('never the desk while a voter is marking, confirming, printing or done, whatever card is in the reader', () => {
    for (const phase of ['marking', 'committed', 'printing', 'cast'] as const)
      for (const staff of STAFF) expect(kioskView(screenIn(phase), statusWith(staff))).toEqual({ kind: 'voter' });
  });

  it("hands a failed print or recording over to the desk only once a poll worker's card is in", () => {
    for (const phase of ['print-failed', 'recording-failed'] as const)
      for (const staff of STAFF)
        expect(kioskView(screenIn(phase), statusWith(staff))).toEqual(
          CARD_IN.includes(staff.state) ? { kind: 'desk', handover: phase } : { kind: 'voter' },
        );
  });

  it('shows the desk with no voter session, and the voter screen (not the desk) before the station status arrives', () => {
    for (const staff of STAFF)
      expect(kioskView(screenIn('none'), statusWith(staff))).toEqual({ kind: 'desk', handover: null });
    for (const phase of VOTER_PHASES) expect(kioskView(screenIn(phase), null)).toEqual({ kind: 'voter' });
    expect(kioskView(null, null)).toEqual({ kind: 'loading' });
  });
});
