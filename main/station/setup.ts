/**
 * Setup: load and verify the election package from the removable media, and the
 * hardware self-test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StationRefusal } from '../../core/api/refusals';
import type { SelfTestView, StationStatus } from '../../core/api/station-api';
import type { ElectionError } from '../../core/election/errors';
import { err, ok, type Result } from '../../core/result';
import { readElectionPackage } from '../../core/election/package';
import { checkAudioInFolder, copyAudioClips } from '../election/election-audio';
import {
  ELECTION_PACKAGE_FILE,
  loadElectionPackage as verifyAndStorePackage,
  readLoadedElection,
  readPinnedAuthorityKey,
} from '../election/election-store';
import type { StationContext } from './context';
import { enterElection } from './polls';
import type { StaffCard } from './staff-auth';

/**
 * Reads the package from the removable media, verifies it under the pinned
 * authority key and stores it. No card is needed while in setup: there is no card
 * issuer key to check a card against until a package is loaded, and the
 * authority's signature on the package is what authorizes it.
 */
export function loadElectionPackage(
  deps: Pick<StationContext, 'station' | 'logger' | 'mediaDir' | 'dataDir' | 'onElectionLoaded'>,
): Result<StationStatus, StationRefusal> {
  const { station, logger, mediaDir, dataDir } = deps;
  if (station.loadedElection() !== null) {
    logger.log('election.load-refused', { reason: 'election-already-loaded', outcome: 'failure' });
    return err({ kind: 'election-already-loaded' });
  }
  const file = mediaDir === null ? null : path.join(mediaDir, ELECTION_PACKAGE_FILE);
  if (file === null || !existsSync(file)) {
    logger.log('election.load-refused', { reason: 'no-media', outcome: 'failure' });
    return err({ kind: 'no-media' });
  }
  const bytes = new Uint8Array(readFileSync(file));
  // The audio ballot beside the package: every clip present and matching the signed manifest, before anything is stored.
  const audioProblems = checkMediaAudio(dataDir, mediaDir ?? '', bytes);
  // The official's request is logged once, here: the store is given no logger (core/events.ts, which layer logs what).
  const loaded =
    audioProblems.length > 0
      ? err(audioProblems)
      : verifyAndStorePackage({ dataDir, pollsHaveOpened: () => false }, bytes);
  if (!loaded.ok) {
    const codes = loaded.error.map((e) => e.code);
    logger.log('election.load-refused', {
      reason: 'package-refused',
      codes,
      paths: loaded.error.slice(0, 20).map((e) => e.path),
      outcome: 'failure',
    });
    return err({ kind: 'package-refused', codes });
  }
  const audio = loaded.value.definition.audio;
  if (audio !== undefined) copyAudioClips(mediaDir ?? '', dataDir, audio);
  const entered = enterElection(deps, loaded.value);
  if (!entered.ok) return entered;
  deps.onElectionLoaded?.(loaded.value);
  logger.log('election.loaded-from-media', {
    electionId: loaded.value.definition.electionId,
    baseHash: loaded.value.baseHashForDisplay,
    outcome: 'success',
  });
  return ok(station.status());
}

/** Problems with the audio beside a package that verifies; a package that does not verify is left to the store to refuse. */
function checkMediaAudio(dataDir: string, mediaDir: string, bytes: Uint8Array): ElectionError[] {
  const key = readPinnedAuthorityKey(dataDir);
  if (!key.ok) return [];
  const offered = readElectionPackage(bytes, { authorityKey: key.value });
  return offered.ok ? checkAudioInFolder(mediaDir, offered.value.definition) : [];
}

/** The hardware self-test: each check says what it found, in words the screens translate. */
export function runSelfTest(
  deps: Pick<StationContext, 'station' | 'logger' | 'dataDir' | 'pollBook'>,
  card: StaffCard,
): SelfTestView {
  const { station, dataDir, pollBook, logger } = deps;
  const status = station.status();
  const onDisk = readLoadedElection(dataDir);
  const electionOk = station.loadedElection() !== null && onDisk.ok && onDisk.value !== undefined;
  const keyState = pollBook.keyState(station.loadedElection()?.definition ?? null);
  const checks: SelfTestView['checks'] = [
    {
      check: 'election',
      ok: electionOk,
      detail: electionOk ? 'verified' : station.loadedElection() === null ? 'missing' : 'invalid',
    },
    { check: 'printer', ok: status.printer.ready, detail: status.printer.state },
    { check: 'card-reader', ok: status.cardReader.ready, detail: status.cardReader.state },
    { check: 'ledger', ok: true, detail: `${status.ledger.ballots.size}/${status.ledger.pollbook.size}` },
    { check: 'pollbook-key', ok: keyState === 'ok', detail: keyState },
  ];
  const view: SelfTestView = { passed: checks.every((c) => c.ok), checks };
  station.selfTest = view;
  logger.log('station.self-test', {
    cardId: card.cardId,
    passed: view.passed,
    failed: checks.filter((c) => !c.ok).map((c) => c.check),
    outcome: view.passed ? 'success' : 'failure',
  });
  return view;
}
