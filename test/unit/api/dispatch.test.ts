import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATION_API_CHANNEL, STATION_API_METHODS, STATION_API_METHODS_ARG } from '../../../core/api/station-api';
import { dispatchStationCall } from '../../../main/api/dispatch';
import { createStationApiHandlers } from '../../../main/api/handlers';
import { MemoryEventLogger } from '../../../main/logging';
import { systemRandom } from '../../../core/ballot';
import type { StationContext } from '../../../main/station/context';
import { notConfiguredDevice } from '../../../main/station/station-deps';
import { StationService } from '../../../main/station/station-service';
import { PollBook } from '../../../main/station/pollbook';
import { PrintQueue } from '../../../main/station/printing';
import { StaffAuth } from '../../../main/station/staff-auth';
import { syncNotConfigured } from '../../../main/station/sync-status';

/** A station with no election, no reader (nobody can sign in) and a ledger that is never asked to record anything. */
function station() {
  const logger = new MemoryEventLogger();
  const sizes = { ballots: 3, pollbook: 2 };
  const ledger = {
    size: (log: 'ballots' | 'pollbook') => sizes[log],
    rootHash: () => new Uint8Array(32),
    verifierKey: 'st-01+00000000+AQ',
    append: () => {
      throw new Error('this station is never asked to record anything');
    },
  };
  const auth = new StaffAuth({ reader: null, logger });
  const pollBook = new PollBook(null, null);
  const printing = new PrintQueue(null);
  const service = new StationService({
    stationId: 'st-01',
    mode: 'demo',
    ledger,
    printer: notConfiguredDevice,
    cardReader: notConfiguredDevice,
    logger,
    pollBook,
    staff: auth,
    printing,
    sync: syncNotConfigured,
    mediaDir: null,
  });
  const context: StationContext = {
    station: service,
    ledger,
    logger,
    pollBook,
    printing,
    activationReader: null,
    random: systemRandom,
    recordingRetryMs: 5_000,
    dataDir: '/nonexistent',
    mediaDir: null,
    eventLog: logger,
  };
  const handlers = createStationApiHandlers(context, auth);
  const call = (method: unknown, args: unknown) =>
    dispatchStationCall(handlers, logger, method, args, { origin: 'unit-test' });
  return { logger, service, handlers, call };
}

describe('station API dispatch', () => {
  it.each([
    ['openPolls', {}],
    ['closePolls', {}],
    ['checkInVoter', { voterId: '1202-0001', activation: 'kiosk' }],
    ['reissueBallot', { voterId: '1202-0001', activation: 'kiosk' }],
    ['resolvePendingBallot', { ballotId: 'b', outcome: 'cast' }],
    ['exportEventLog', {}],
  ])('refuses %s without a signed-in poll worker, in main, and logs it', async (method, args) => {
    const { call, logger } = station();
    const result = await call(method, args);
    expect(result).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
    expect(logger.events.find((e) => e.eventId === 'auth.action-refused')?.fields).toMatchObject({
      action: method,
      reason: 'not-signed-in',
    });
  });

  it('answers a well-formed call with the real station state', async () => {
    const { call } = station();
    const result = await call('getStationStatus', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      stationId: 'st-01',
      pollsState: 'setup',
      ledger: { ballots: { size: 3 }, pollbook: { size: 2 } },
    });
  });

  it.each([
    ['a number instead of an object', 42],
    ['an unknown language', { language: 'de' }],
    ['a text size out of range', { textSize: 7 }],
    ['a string where a boolean belongs', { highContrast: 'yes' }],
    ['an extra key', { language: 'en', evil: true }],
    ['null', null],
    ['an array', [{ language: 'en' }]],
  ])('refuses %s with a clear error and changes nothing', async (_label, args) => {
    const { call, service, logger } = station();
    const before = service.status();
    const result = await call('setDisplaySettings', args);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-argument');
    expect(result.error.message).toMatch(/^setDisplaySettings: /);
    expect(result.error.issues?.length).toBeGreaterThan(0);
    expect(service.status()).toEqual(before);
    expect(logger.events.map((e) => e.eventId)).toEqual(['api.call-rejected']);
  });

  it('refuses an unknown method and prototype keys', async () => {
    const { call, logger } = station();
    for (const method of ['deleteEverything', '__proto__', 'constructor', 'toString', 17]) {
      const result = await call(method, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown-method');
    }
    expect(logger.events).toHaveLength(5);
  });

  it('applies a valid change once and logs it', async () => {
    const { call, service, logger } = station();
    const result = await call('setDisplaySettings', { language: 'en', highContrast: true });
    expect(result).toEqual({ ok: true, value: { language: 'en', textSize: 2, highContrast: true } });
    expect(service.status().display.language).toBe('en');
    expect(logger.events.map((e) => e.eventId)).toEqual(['display.settings-changed']);
  });

  it('hides a handler failure behind an internal error and logs the detail', async () => {
    const { logger, handlers } = station();
    const broken = {
      ...handlers,
      getStationStatus: () => {
        throw new Error('disk on fire');
      },
      setDisplaySettings: () => {
        throw new Error('unused');
      },
    };
    const result = await dispatchStationCall(broken, logger, 'getStationStatus', {}, { origin: 'unit-test' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'getStationStatus failed inside the station; see the station log' },
    });
    expect(logger.events[0]).toMatchObject({ eventId: 'api.handler-failed', fields: { error: 'disk on fire' } });
  });

  it('keeps the preload in step with the API declaration', () => {
    // The preload may import only electron, so it repeats two constants; they must match.
    const preload = readFileSync('preload/index.ts', 'utf8');
    expect(preload).toContain(`'${STATION_API_CHANNEL}'`);
    expect(preload).toContain(`'${STATION_API_METHODS_ARG}'`);
    expect(STATION_API_METHODS).toContain('getStationStatus');
  });
});
