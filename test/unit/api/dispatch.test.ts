import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATION_API_CHANNEL, STATION_API_METHODS, STATION_API_METHODS_ARG } from '../../../core/api/station-api';
import { dispatchStationCall } from '../../../main/api/dispatch';
import { createStationApiHandlers } from '../../../main/api/handlers';
import { MemoryEventLogger } from '../../../main/logging';
import { notConfiguredDevice, StationService } from '../../../main/station/station-service';
import { PollBook } from '../../../main/station/pollbook';
import { PollWorkerDesk } from '../../../main/station/poll-worker-desk';
import { StaffAuth } from '../../../main/station/staff-auth';
import { syncNotConfigured } from '../../../main/station/sync-status';

/** The handler table over a station with no reader: nobody can sign in. */
function handlersFor(service: StationService, logger: MemoryEventLogger) {
  const auth = new StaffAuth({ reader: null, logger });
  const desk = new PollWorkerDesk({
    station: service,
    ledger: {
      size: () => 0,
      rootHash: () => new Uint8Array(32),
      verifierKey: 'st-01+00000000+AQ',
      append: () => {
        throw new Error('this station is never asked to record anything');
      },
      entries: () => [],
    },
    logger,
    auth,
    pollBook: new PollBook(null, null),
    printer: null,
    activationReader: null,
    dataDir: '/nonexistent',
    mediaDir: null,
    sync: syncNotConfigured,
    eventLog: logger,
  });
  return createStationApiHandlers(service, desk, auth);
}

function station() {
  const logger = new MemoryEventLogger();
  const sizes = { ballots: 3, pollbook: 2 };
  const service = new StationService({
    stationId: 'st-01',
    mode: 'demo',
    ledger: {
      size: (log) => sizes[log],
      append: () => {
        throw new Error('this station is never asked to record anything');
      },
    },
    printer: notConfiguredDevice,
    cardReader: notConfiguredDevice,
    logger,
    pollBook: { checkIns: 0, ballotsReissued: 0 },
  });
  const handlers = handlersFor(service, logger);
  const call = (method: unknown, args: unknown) => dispatchStationCall(handlers, logger, method, args, { origin: 'unit-test' });
  return { logger, service, call };
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
    expect(logger.events.find((e) => e.eventId === 'auth.action-refused')?.fields).toMatchObject({ action: method, reason: 'not-signed-in' });
  });

  it('answers a well-formed call with the real station state', async () => {
    const { call } = station();
    const result = await call('getStationStatus', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ stationId: 'st-01', pollsState: 'setup', ledger: { ballots: { size: 3 }, pollbook: { size: 2 } } });
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
    expect(result).toEqual({ ok: true, value: { language: 'en', textSize: 1, highContrast: true } });
    expect(service.status().display.language).toBe('en');
    expect(logger.events.map((e) => e.eventId)).toEqual(['display.settings-changed']);
  });

  it('hides a handler failure behind an internal error and logs the detail', async () => {
    const logger = new MemoryEventLogger();
    const broken = {
      ...handlersFor(station().service, logger),
      getStationStatus: () => {
        throw new Error('disk on fire');
      },
      setDisplaySettings: () => {
        throw new Error('unused');
      },
    };
    const result = await dispatchStationCall(broken, logger, 'getStationStatus', {}, { origin: 'unit-test' });
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'getStationStatus failed inside the station; see the station log' } });
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
