import { writeFileSync } from 'node:fs';
import type { ApiError, ApiResult, StaffRole, StationApiMethod } from '../../core/api/station-api';
import { assertNever, err, ok, type Result } from '../../core/result';
import { OFFICIALS_ONLY, POLL_STAFF, type DeskRefusal, type PollWorkerDesk } from '../station/poll-worker-desk';
import type { StaffAuth, StaffCard } from '../station/staff-auth';
import type { StationService } from '../station/station-service';
import type { CallContext, StationApiHandlers } from './dispatch';

/**
 * A refusal as the renderer sees it. Marks that break the contest rules are a
 * malformed argument (the screens never send an overvote); everything else is a
 * request the station's state does not allow right now.
 */
export function refusalToApiError(refusal: DeskRefusal): ApiError {
  switch (refusal.kind) {
    case 'invalid-marks':
      return {
        code: 'invalid-argument',
        message: 'the marks break the contest rules',
        issues: refusal.problems.map((p) => ({ path: `marks.${p.contestId}`, message: p.problem })),
      };
    case 'undervote-not-acknowledged':
      return {
        code: 'invalid-argument',
        message: 'contests with choices left need the voter to see the undervote warning first',
        issues: refusal.contestIds.map((id) => ({ path: `marks.${id}`, message: 'undervote-not-acknowledged' })),
      };
    case 'ledger-append-failed':
      return { code: 'internal', message: 'the station could not record the ballot; see the station log' };
    case 'no-election':
    case 'polls-transition-not-allowed':
    case 'polls-not-open':
    case 'voter-session-active':
    case 'ballots-pending':
    case 'unknown-ballot-style':
    case 'wrong-session-phase':
    case 'not-pending':
    case 'still-printing':
    case 'still-committing':
    case 'ballots-already-recorded':
    case 'election-already-loaded':
    case 'nothing-to-reprint':
    case 'printer-not-ready':
    case 'package-refused':
    case 'no-media':
      return { code: 'wrong-state', message: refusal.kind };
    case 'export-failed':
      return { code: 'internal', message: 'the event log could not be written to the removable media; see the station log' };
    default:
      return assertNever(refusal, 'station refusal');
  }
}

function answer<T>(result: Result<T, DeskRefusal>): ApiResult<T> {
  return result.ok ? result : err(refusalToApiError(result.error));
}

/** Writes an export file; only the event-log export writes outside the data folder. */
function writeExport(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
}

/**
 * The station API's handler table: one entry per method of `stationApi`. The
 * poll workers' methods check the signed-in card's role here, in main, on every
 * call: the renderer's screens are a convenience, never the guard.
 */
export function createStationApiHandlers(station: StationService, desk: PollWorkerDesk, auth: StaffAuth): StationApiHandlers {
  /** Runs `action` only for a signed-in card with one of `roles`; otherwise a 'not-authorized' error. */
  function asStaff<A, T>(
    method: StationApiMethod,
    roles: readonly StaffRole[],
    action: (card: StaffCard, args: A) => ApiResult<T> | Promise<ApiResult<T>>,
  ): (args: A, context: CallContext) => ApiResult<T> | Promise<ApiResult<T>> {
    return (args) => {
      const card = auth.authorize(roles, method);
      if (!card.ok) {
        const message = card.error.kind === 'not-signed-in' ? `${method} needs a signed-in poll worker` : `${method} is not allowed for a ${card.error.role}`;
        return err({ code: 'not-authorized', message });
      }
      return action(card.value, args);
    };
  }

  return {
    getStationStatus: () => ok(desk.status()),
    setDisplaySettings: (change) => ok(station.setDisplaySettings(change)),
    getVoterSession: () => ok(station.voterScreen()),
    commitBallot: async (request) => answer(await station.commitBallot(request)),
    castBallot: () => answer(station.castBallot()),
    challengeBallot: async () => answer(await station.challengeBallot()),
    touchVoterSession: () => ok(station.touchVoterSession()),
    finishVoterSession: () => answer(station.finishVoterSession()),

    signIn: async ({ pin }) => ok(await auth.submitPin(pin)),
    signOut: () => ok(auth.signOut('requested')),
    // In setup the package's authority signature is the authorization (no card
    // issuer key exists yet to check a card against); the desk refuses it later.
    loadElectionPackage: () => answer(desk.loadElectionPackage()),
    runSelfTest: asStaff('runSelfTest', POLL_STAFF, (card) => ok(desk.runSelfTest(card))),
    openPolls: asStaff('openPolls', POLL_STAFF, async (card) => answer(await desk.openPolls(card))),
    pausePolls: asStaff('pausePolls', POLL_STAFF, (card) => answer(desk.pausePolls(card))),
    resumePolls: asStaff('resumePolls', POLL_STAFF, (card) => answer(desk.resumePolls(card))),
    closePolls: asStaff('closePolls', POLL_STAFF, async (card) => answer(await desk.closePolls(card))),
    checkInVoter: asStaff('checkInVoter', POLL_STAFF, (card, request: { voterId: string; activation: 'kiosk' | 'card' }) => ok(desk.checkInVoter(card, request))),
    reissueBallot: asStaff('reissueBallot', POLL_STAFF, (card, request: { voterId: string; activation: 'kiosk' | 'card' }) => ok(desk.reissueBallot(card, request))),
    cancelCardActivation: asStaff('cancelCardActivation', POLL_STAFF, (card) => ok(desk.cancelCardActivation(card))),
    resolvePendingBallot: asStaff('resolvePendingBallot', POLL_STAFF, (card, request: Parameters<PollWorkerDesk['resolvePendingBallot']>[1]) =>
      answer(desk.resolvePendingBallot(card, request)),
    ),
    reprintInterrupted: asStaff('reprintInterrupted', POLL_STAFF, async (card) => answer(await desk.reprintInterrupted(card))),
    exportEventLog: asStaff('exportEventLog', OFFICIALS_ONLY, (card) => answer(desk.exportEventLog(card, writeExport))),
  };
}
