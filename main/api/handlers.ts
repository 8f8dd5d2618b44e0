import { writeFileSync } from 'node:fs';
import type { StationRefusal } from '../../core/api/refusals';
import type { ApiError, ApiResult, AudioClipView, StaffRole, StationApiMethod } from '../../core/api/station-api';
import type { AudioManifest } from '../../core/audio/manifest';
import { toBase64 } from '../../core/encoding/bytes';
import { readAudioClip } from '../election/election-audio';
import { assertNever, err, ok, type Result } from '../../core/result';
import {
  castBallot,
  challengeBallot,
  commitBallot,
  finishVoterSession,
  resolvePendingBallot,
  type PendingResolution,
} from '../station/casting';
import { cancelCardActivation, checkInVoter, reissueBallot, type StartRequest } from '../station/check-in';
import type { StationContext } from '../station/context';
import { exportEventLog } from '../station/export';
import { closePolls, openPolls, pausePolls, resumePolls } from '../station/polls';
import { reprintInterrupted } from '../station/printing';
import { loadElectionPackage, runSelfTest } from '../station/setup';
import type { StaffAuth, StaffCard } from '../station/staff-auth';
import type { CallContext, StationApiHandlers } from './dispatch';

/**
 * A refusal as the renderer sees it: the typed refusal itself (core/api/refusals.ts),
 * which the screens switch on. Marks that break the contest rules are a malformed
 * argument (the screens never send an overvote); a ledger or export failure is
 * internal, its detail only in the station log; everything else is a request the
 * station's state does not allow right now. `message` is for developers and logs.
 */
export function refusalToApiError(refusal: StationRefusal): ApiError {
  switch (refusal.kind) {
    case 'invalid-marks':
      return {
        code: 'invalid-argument',
        message: 'the marks break the contest rules',
        issues: refusal.problems.map((p) => ({ path: `marks.${p.contestId}`, message: p.problem })),
        refusal,
      };
    case 'undervote-not-acknowledged':
      return {
        code: 'invalid-argument',
        message: 'contests with choices left need the voter to see the undervote warning first',
        issues: refusal.contestIds.map((id) => ({ path: `marks.${id}`, message: 'undervote-not-acknowledged' })),
        refusal,
      };
    case 'ledger-append-failed':
      return {
        code: 'internal',
        message: 'the station could not record the ballot; see the station log',
        refusal: { kind: refusal.kind, cause: refusal.cause, reason: '' },
      };
    case 'export-failed':
      return {
        code: 'internal',
        message: 'the event log could not be written to the removable media; see the station log',
        refusal: { kind: refusal.kind, reason: '' },
      };
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
    case 'check-in-refused':
    case 'reissue-refused':
      return { code: 'wrong-state', message: refusal.kind, refusal };
    default:
      return assertNever(refusal, 'station refusal');
  }
}

function audioClipViews(manifest: AudioManifest | undefined): AudioClipView[] {
  return (manifest?.clips ?? []).map(({ phrase, language, sha256, durationMs }) => ({
    phrase,
    language,
    sha256,
    durationMs,
  }));
}

function answer<T>(result: Result<T, StationRefusal>): ApiResult<T> {
  return result.ok ? result : err(refusalToApiError(result.error));
}

/** Writes an export file; only the event-log export writes outside the data folder. */
function writeExport(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
}

/** Everyone who may run the polls; officials can do whatever poll workers can. */
export const POLL_STAFF: readonly StaffRole[] = ['poll-worker', 'election-official'];
export const OFFICIALS_ONLY: readonly StaffRole[] = ['election-official'];

/**
 * The station API's handler table: one entry per method of `stationApiSpec`, each a
 * procedure of main/station. The poll workers' methods check the signed-in card's
 * role here, in main, on every call: the renderer's screens are a convenience,
 * never the guard.
 */
export function createStationApiHandlers(context: StationContext, auth: StaffAuth): StationApiHandlers {
  const { station } = context;
  /** Runs `action` only for a signed-in card with one of `roles`; otherwise a 'not-authorized' error. */
  function asStaff<A, T>(
    method: StationApiMethod,
    roles: readonly StaffRole[],
    action: (card: StaffCard, args: A) => ApiResult<T> | Promise<ApiResult<T>>,
  ): (args: A, context: CallContext) => ApiResult<T> | Promise<ApiResult<T>> {
    return (args) => {
      const card = auth.authorize(roles, method);
      if (!card.ok) {
        const message =
          card.error.kind === 'not-signed-in'
            ? `${method} needs a signed-in poll worker`
            : `${method} is not allowed for a ${card.error.role}`;
        return err({ code: 'not-authorized', message });
      }
      return action(card.value, args);
    };
  }

  return {
    getStationStatus: () => ok(station.status()),
    setDisplaySettings: (change) => ok(station.setDisplaySettings(change)),
    setAudioSettings: (change) => ok(station.setAudioSettings(change)),
    getAudioClips: () => ok(audioClipViews(station.loadedElection()?.definition.audio)),
    getAudioClip: ({ sha256 }) => {
      const bytes = readAudioClip(context.dataDir, station.loadedElection()?.definition.audio, sha256);
      return bytes === undefined
        ? err({ code: 'invalid-argument', message: 'the loaded audio ballot has no such clip' })
        : ok({ wavBase64: toBase64(bytes) });
    },
    getVoterSession: () => ok(station.voterScreen()),
    commitBallot: async (request) => answer(await commitBallot(context, request)),
    castBallot: () => answer(castBallot(context)),
    challengeBallot: async () => answer(await challengeBallot(context)),
    touchVoterSession: () => ok(station.touchVoterSession()),
    finishVoterSession: () => answer(finishVoterSession(context)),

    signIn: async ({ pin }) => ok(await auth.submitPin(pin)),
    signOut: () => ok(auth.signOut('requested')),
    // In setup the package's authority signature is the authorization (no card
    // issuer key exists yet to check a card against); setup refuses it later.
    loadElectionPackage: () => answer(loadElectionPackage(context)),
    runSelfTest: asStaff('runSelfTest', POLL_STAFF, (card) => ok(runSelfTest(context, card))),
    openPolls: asStaff('openPolls', POLL_STAFF, async (card) => answer(await openPolls(context, card))),
    pausePolls: asStaff('pausePolls', POLL_STAFF, (card) => answer(pausePolls(context, card))),
    resumePolls: asStaff('resumePolls', POLL_STAFF, (card) => answer(resumePolls(context, card))),
    closePolls: asStaff('closePolls', POLL_STAFF, async (card) => answer(await closePolls(context, card))),
    // A refused check-in or reissue crosses IPC as the same typed refusal as every other request.
    checkInVoter: asStaff('checkInVoter', POLL_STAFF, (card, request: StartRequest) => {
      const result = checkInVoter(context, card, request);
      return result.outcome === 'refused'
        ? err(refusalToApiError({ kind: 'check-in-refused', reason: result.reason }))
        : ok(result);
    }),
    reissueBallot: asStaff('reissueBallot', POLL_STAFF, (card, request: StartRequest) => {
      const result = reissueBallot(context, card, request);
      return result.outcome === 'refused'
        ? err(refusalToApiError({ kind: 'reissue-refused', reason: result.reason }))
        : ok(result);
    }),
    cancelCardActivation: asStaff('cancelCardActivation', POLL_STAFF, (card) =>
      ok(cancelCardActivation(context, card)),
    ),
    resolvePendingBallot: asStaff(
      'resolvePendingBallot',
      POLL_STAFF,
      (card, request: { ballotId: string } & PendingResolution) => answer(resolvePendingBallot(context, card, request)),
    ),
    reprintInterrupted: asStaff('reprintInterrupted', POLL_STAFF, async (card) =>
      answer(await reprintInterrupted(context, card)),
    ),
    exportEventLog: asStaff('exportEventLog', OFFICIALS_ONLY, (card) =>
      answer(exportEventLog(context, card, writeExport)),
    ),
  };
}
