/**
 * What setup logs: a stored election package that no longer passes its checks,
 * found at start, and the official's load from media. Each is one line with its
 * reason and outcome (core/events.ts), as the poll worker's own requests are.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ELECTION_PACKAGE_FILE } from '../../../main/election/election-store';
import { openPolls } from '../../../main/station/polls';
import { loadElectionPackage } from '../../../main/station/setup';
import { POLL_WORKER, startTestStation, type TestStation } from '../../support/station';

let stations: TestStation[] = [];
let media: string[] = [];
afterEach(async () => {
  await Promise.all(stations.map((s) => s.close()));
  stations = [];
  for (const dir of media) rmSync(dir, { recursive: true, force: true });
  media = [];
});

describe('setup events', () => {
  it('refuses a tampered stored package at start: one failure line naming why', async () => {
    const station = startTestStation({ stationId: 'st-unit-01', sampleElection: true });
    const file = path.join(station.dataDir, ELECTION_PACKAGE_FILE);
    const text = readFileSync(file, 'utf8');
    // The stored package is edited after it was loaded: it no longer hashes to what was signed.
    const tampered = text.replace(/("ru":\s*")/, '$1X');
    expect(tampered).not.toBe(text);
    writeFileSync(file, tampered);
    const reopened = await station.reopen();
    stations.push(reopened);
    expect(reopened.service.status().pollsState).toBe('setup');
    const refused = reopened.logger.events.filter((e) => e.eventId === 'election.load-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.fields).toMatchObject({ reason: 'package-refused', outcome: 'failure' });
    expect(refused[0]?.fields['codes']).toEqual(['hash-mismatch']);
    expect(reopened.logger.events.some((e) => e.eventId === 'election.loaded')).toBe(false);
  });

  it('logs the stored package loaded at start as a status, without an outcome', () => {
    const station = startTestStation({ stationId: 'st-unit-01', sampleElection: true });
    stations.push(station);
    const loaded = station.logger.events.filter((e) => e.eventId === 'election.loaded');
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.fields).not.toHaveProperty('outcome');
  });

  it('logs loading the package from media once, and opening the polls once, each as the request it was', async () => {
    const mediaDir = mkdtempSync(path.join(tmpdir(), 'urna-media-'));
    media.push(mediaDir);
    const station = startTestStation({ stationId: 'st-unit-01', sampleElectionOnMedia: mediaDir });
    stations.push(station);
    const about = (prefixes: string[]) =>
      station.logger.events.filter((e) => prefixes.some((p) => e.eventId.startsWith(p))).map((e) => e.eventId);

    expect(loadElectionPackage(station.context).ok).toBe(true);
    // The store's election.package-loaded and a polls.transition said the same thing again.
    expect(about(['election.', 'polls.'])).toEqual(['election.loaded-from-media']);

    expect((await openPolls(station.context, POLL_WORKER)).ok).toBe(true);
    expect(about(['polls.'])).toEqual(['polls.opened']);
  });
});
