import type { ApiError, ApiResult } from '../../core/api/station-api';
import { assertNever, err, ok, type Result } from '../../core/result';
import type { StationRefusal, StationService } from '../station/station-service';
import type { StationApiHandlers } from './dispatch';

/**
 * A refusal as the renderer sees it. Marks that break the contest rules are a
 * malformed argument (the screens never send an overvote); everything else is a
 * request the station's state does not allow right now.
 */
export function refusalToApiError(refusal: StationRefusal): ApiError {
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
      return { code: 'wrong-state', message: refusal.kind };
    default:
      return assertNever(refusal, 'station refusal');
  }
}

function answer<T>(result: Result<T, StationRefusal>): ApiResult<T> {
  return result.ok ? result : err(refusalToApiError(result.error));
}

/**
 * The station API's handler table: one entry per method of `stationApi`. Poll
 * workers' actions (polls lifecycle, activation, pending ballots) are not here:
 * they need a signed-in poll worker, which issue 8 adds.
 */
export function createStationApiHandlers(station: StationService): StationApiHandlers {
  return {
    getStationStatus: () => ok(station.status()),
    setDisplaySettings: (change) => ok(station.setDisplaySettings(change)),
    getVoterSession: () => ok(station.voterScreen()),
    commitBallot: (request) => answer(station.commitBallot(request)),
    castBallot: () => answer(station.castBallot()),
    challengeBallot: async () => answer(await station.challengeBallot()),
    touchVoterSession: () => ok(station.touchVoterSession()),
    finishVoterSession: () => answer(station.finishVoterSession()),
  };
}
