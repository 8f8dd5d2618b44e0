/**
 * What setup logs: a stored election package that no longer passes its checks,
 * found at start, and the official's load from media. Each is one line with its
 * reason and outcome (core/events.ts), as the poll worker's own requests are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ELECTION_PACKAGE_FILE } from '../../../main/election/election-store';
import { startTestStation, type TestStation } from '../../support/station';

let stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.map((s) => s.close()));
  stations = [];
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
});
