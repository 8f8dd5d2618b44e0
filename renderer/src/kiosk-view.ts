/**
 * What the kiosk shows: exactly one of the voter's screens and the poll worker's
 * desk, never both. A voter session on the kiosk keeps the voter's screens (the
 * marks live there); only a session that stopped for a poll worker — its ballot
 * did not finish printing or recording — hands the screen over to the desk, and
 * only once a poll worker's card is in the reader.
 */
import type { StaffSessionView, StationStatus, VoterScreen } from '../../core/api/station-api';
import { assertNever } from '../../core/result';

export type KioskView =
  | { readonly kind: 'voter' }
  | { readonly kind: 'desk'; readonly handover: 'print-failed' | 'recording-failed' | null }
  | { readonly kind: 'loading' };

/** A poll worker's or official's card is in the reader (not a voter's card, not an empty reader). */
function staffCardIn(staff: StaffSessionView): boolean {
  switch (staff.state) {
    case 'awaiting-pin':
    case 'checking-pin':
    case 'signed-in':
    case 'locked':
      return true;
    case 'no-reader':
    case 'reader-unavailable':
    case 'no-card':
    case 'reading-card':
    case 'card-refused':
    case 'voter-card':
      return false;
    default:
      return assertNever(staff, 'staff session');
  }
}

export function kioskView(screen: VoterScreen | null, status: StationStatus | null): KioskView {
  if (screen === null) return { kind: 'loading' };
  const phase = screen.session.phase;
  if (phase === 'none') return { kind: 'desk', handover: null };
  if ((phase === 'print-failed' || phase === 'recording-failed') && status !== null && staffCardIn(status.staff))
    return { kind: 'desk', handover: phase };
  return { kind: 'voter' };
}
