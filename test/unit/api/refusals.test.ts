/**
 * Refusals are typed end to end: main's typed refusal crosses IPC as itself (the
 * renderer reads `refusal`, never `message`), every kind has a screen message, and
 * a kind without one does not typecheck.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { REFUSAL_KINDS, type CheckInRefusal, type RefusalKind, type StationRefusal } from '../../../core/api/refusals';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { isMessageKey, translate, type MessageKey } from '../../../core/i18n/messages';
import {
  CHECK_IN_REFUSAL_MESSAGES,
  REFUSAL_MESSAGES,
  REISSUE_REFUSAL_MESSAGES,
  refusalMessage,
} from '../../../core/i18n/refusals';
import { dispatchStationCall } from '../../../main/api/dispatch';
import { MemoryPrinter } from '../../support/memory-printer';
import { startTestStation, type TestStation } from '../../support/station';

const stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.close()));
});

async function signedInStation(): Promise<TestStation> {
  const station = startTestStation({
    stationId: 'st-refusals',
    sampleElection: true,
    precinctId: 'uik-1202',
    ballotPrinter: new MemoryPrinter(),
    staffReader: true,
  });
  stations.push(station);
  await station.signIn();
  return station;
}

describe('typed refusals', () => {
  it('have a message in both languages for every kind and every check-in or reissue reason', () => {
    const keys: MessageKey[] = [
      ...Object.values(REFUSAL_MESSAGES),
      ...Object.values(CHECK_IN_REFUSAL_MESSAGES),
      ...Object.values(REISSUE_REFUSAL_MESSAGES),
    ];
    expect(Object.keys(REFUSAL_MESSAGES).length + 2).toBe(REFUSAL_KINDS.length);
    for (const key of keys) {
      expect(isMessageKey(key)).toBe(true);
      expect(translate('ru', key)).not.toBe(translate('en', key));
    }
    expect(refusalMessage({ kind: 'check-in-refused', reason: 'already-checked-in' })).toBe(
      'pw.checkIn.refused.already-checked-in',
    );
    expect(refusalMessage({ kind: 'reissue-refused', reason: 'ledger-append-failed' })).toBe(
      'pw.reissue.refused.ledger-append-failed',
    );
    expect(refusalMessage({ kind: 'ballots-already-recorded', count: 1 })).toBe('pw.refusal.ballots-already-recorded');
  });

  it('make a new kind without a screen message fail the typecheck', () => {
    type WithNewKind = RefusalKind | 'a-new-kind';
    const incomplete = {
      ...REFUSAL_MESSAGES,
      'check-in-refused': 'pw.refusal.no-election',
      'reissue-refused': 'pw.refusal.no-election',
      // @ts-expect-error the message table lacks 'a-new-kind': exactly what `satisfies Record<kind, MessageKey>` in core/i18n/refusals.ts catches
    } satisfies Record<WithNewKind, MessageKey>;
    void incomplete;
    // And the switch over kinds is exhaustive: a refusal it does not handle is a type error there.
    expectTypeOf(refusalMessage).parameter(0).toEqualTypeOf<StationRefusal>();
    expectTypeOf<keyof typeof CHECK_IN_REFUSAL_MESSAGES>().toEqualTypeOf<CheckInRefusal>();
  });

  it('cross the dispatcher as the typed refusal, check-in and polls alike', async () => {
    const station = await signedInStation();
    expect((await station.client.openPolls({})).ok).toBe(true);
    const again = await station.client.openPolls({});
    expect(again).toMatchObject({
      ok: false,
      error: {
        code: 'wrong-state',
        refusal: { kind: 'polls-transition-not-allowed', from: 'polls-open', transition: 'opened' },
      },
    });
    const stranger = await station.client.checkInVoter({ voterId: 'ZZZZ-9999', activation: 'kiosk' });
    expect(stranger).toMatchObject({
      ok: false,
      error: { code: 'wrong-state', refusal: { kind: 'check-in-refused', reason: 'not-on-voter-list' } },
    });
    const voter = SAMPLE_VOTER_IDS['uik-1202'][0] ?? '';
    expect(await station.client.checkInVoter({ voterId: voter, activation: 'card' })).toMatchObject({
      ok: true,
      value: { outcome: 'checked-in', activation: 'card' },
    });
    const second = await station.client.checkInVoter({ voterId: voter, activation: 'kiosk' });
    expect(second).toMatchObject({
      ok: false,
      error: { refusal: { kind: 'check-in-refused', reason: 'awaiting-activation-card' } },
    });
    const reissue = await station.client.reissueBallot({ voterId: voter, activation: 'kiosk' });
    expect(reissue).toMatchObject({ ok: false, error: { refusal: { kind: 'reissue-refused' } } });
  });

  it('are refused on the way out when a handler answers with a kind the screens do not know', async () => {
    const station = await signedInStation();
    const handlers = {
      ...station.handlers,
      pausePolls: () => ({
        ok: false as const,
        error: {
          code: 'wrong-state' as const,
          message: 'x',
          refusal: { kind: 'made-up' } as unknown as StationRefusal,
        },
      }),
    };
    const result = await dispatchStationCall(handlers, station.logger, 'pausePolls', {}, { origin: 'unit-test' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'pausePolls failed inside the station; see the station log' },
    });
    expect(station.logger.events.some((e) => e.eventId === 'api.refusal-malformed')).toBe(true);
  });
});
