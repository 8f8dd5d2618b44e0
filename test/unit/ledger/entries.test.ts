import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  decodeCanonicalJson,
  defineEntry,
  encodeEntryText,
  stationEntryRegistry,
  type EntryOf,
} from '../../../core/ledger/entries';
import { electionEntryRegistry } from '../../../core/ledger/station-entries';

describe('entry registry', () => {
  it('accepts the lifecycle and demo entries and encodes them canonically', () => {
    const opened = { v: 1, type: 'polls-opened', ballotsCast: 0 };
    expect(stationEntryRegistry.validate('ballots', opened).ok).toBe(true);
    expect(encodeEntryText(opened)).toBe('{"ballotsCast":0,"type":"polls-opened","v":1}');
    const demo = stationEntryRegistry.decode('pollbook', '{"seq":3,"text":"hello","type":"demo-note","v":1}');
    expect(demo.ok).toBe(true);
  });

  it('gives each log its own lifecycle entries and count, so the two logs share no counter', () => {
    const kind = (log: 'ballots' | 'pollbook', value: unknown) => {
      const r = stationEntryRegistry.validate(log, value);
      return r.ok ? 'ok' : r.error.kind;
    };
    for (const step of ['opened', 'paused', 'resumed', 'closed']) {
      expect(kind('ballots', { type: `polls-${step}`, v: 1, ballotsCast: 3 })).toBe('ok');
      expect(kind('pollbook', { type: `polls-${step}`, v: 1, ballotsCast: 3 })).toBe('wrong-log');
      expect(kind('pollbook', { type: `pollbook-${step}`, v: 1, checkIns: 3 })).toBe('ok');
      expect(kind('ballots', { type: `pollbook-${step}`, v: 1, checkIns: 3 })).toBe('wrong-log');
      // Neither carries the other's count.
      expect(kind('pollbook', { type: `pollbook-${step}`, v: 1, checkIns: 3, ballotsCast: 3 })).toBe('invalid-fields');
      expect(kind('ballots', { type: `polls-${step}`, v: 1, ballotsCast: 3, checkIns: 3 })).toBe('invalid-fields');
      // v2 of the poll book's entries also counts its reissued ballots; v1 (check-ins only) still reads.
      expect(kind('pollbook', { type: `pollbook-${step}`, v: 2, checkIns: 3, ballotsReissued: 1 })).toBe('ok');
      expect(kind('pollbook', { type: `pollbook-${step}`, v: 2, checkIns: 3 })).toBe('invalid-fields');
      expect(kind('pollbook', { type: `pollbook-${step}`, v: 1, checkIns: 3, ballotsReissued: 1 })).toBe(
        'invalid-fields',
      );
      expect(kind('ballots', { type: `pollbook-${step}`, v: 2, checkIns: 3, ballotsReissued: 1 })).toBe('wrong-log');
    }
    expect(() => defineEntry({ type: 'polls-opened', v: 2, logs: ['pollbook'], fields: {} })).toThrow(
      /ballots log only/,
    );
    expect(() => defineEntry({ type: 'pollbook-opened', v: 2, logs: ['ballots'], fields: {} })).toThrow(
      /pollbook log only/,
    );
  });

  it('keeps a reissued ballot in the poll book, with the fields of a check-in and nothing else', () => {
    const reissued = {
      type: 'ballot-reissued',
      v: 1,
      voterHash: 'A'.repeat(43),
      precinctId: 'uik-1202',
      ballotStyleId: 'style-district-1',
      activation: 'kiosk',
    };
    const kind = (log: 'ballots' | 'pollbook', value: unknown) => {
      const r = electionEntryRegistry.validate(log, value);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kind('pollbook', reissued)).toBe('ok');
    expect(kind('pollbook', { ...reissued, activation: 'card' })).toBe('ok');
    expect(kind('ballots', reissued)).toBe('wrong-log');
    expect(kind('pollbook', { ...reissued, ballotId: 'b' })).toBe('invalid-fields');
    expect(kind('pollbook', { ...reissued, voterHash: '1202-0001' })).toBe('invalid-fields');
    expect(kind('pollbook', { ...reissued, activation: 'phone' })).toBe('invalid-fields');
    expect(stationEntryRegistry.has('ballot-reissued', 1)).toBe(false);
    expect(() => defineEntry({ type: 'ballot-reissued', v: 2, logs: ['ballots'], fields: {} })).toThrow(
      /pollbook log only/,
    );
  });

  it('refuses unknown types and versions, extra members, bad envelopes and non-canonical text', () => {
    const kinds = (value: unknown) => {
      const r = stationEntryRegistry.validate('ballots', value);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kinds({ type: 'polls-opened', v: 2, ballotsCast: 0 })).toBe('unknown-type');
    expect(kinds({ type: 'ballot-cast', v: 1 })).toBe('unknown-type');
    expect(kinds({ type: 'polls-opened', v: 1, ballotsCast: 0, openedAt: 1 })).toBe('invalid-fields');
    expect(kinds({ type: 'polls-opened', v: 1, ballotsCast: -1 })).toBe('invalid-fields');
    expect(kinds({ type: 'Polls', v: 1 })).toBe('bad-envelope');
    expect(kinds({ v: 1 })).toBe('bad-envelope');
    expect(kinds([1])).toBe('bad-envelope');
    const decoded = (text: string) => {
      const r = stationEntryRegistry.decode('ballots', text);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(decoded('{"type":"polls-opened","v":1,"ballotsCast":0}')).toBe('not-canonical');
    expect(decoded('{"ballotsCast":0, "type":"polls-opened","v":1}')).toBe('not-canonical');
    expect(decoded('{"ballotsCast":0,"type":"polls-opened"')).toBe('not-json');
    expect(decodeCanonicalJson(Uint8Array.of(0xc3)).ok).toBe(false);
  });

  it('is open for later entry types, which may only use their reserved log', () => {
    const checkIn = defineEntry({
      type: 'check-in',
      v: 1,
      logs: ['pollbook'],
      fields: { voterHash: z.string(), precinct: z.string() },
    });
    const registry = stationEntryRegistry.with(checkIn);
    const entry: EntryOf<typeof checkIn> = { type: 'check-in', v: 1, voterHash: 'abc', precinct: 'p1' };
    expect(registry.validate('pollbook', entry).ok).toBe(true);
    const misplaced = registry.validate('ballots', entry);
    expect(misplaced.ok || misplaced.error.kind).toBe('wrong-log');
    expect(stationEntryRegistry.has('check-in', 1)).toBe(false);
    expect(() => defineEntry({ type: 'ballot-cast', v: 1, logs: ['pollbook'], fields: {} })).toThrow(
      /ballots log only/,
    );
    expect(() => registry.with(checkIn)).toThrow(/defined twice/);
  });

  it('refuses field names that would record a precise time or a voter identity', () => {
    expect(() => defineEntry({ type: 'x-cast', v: 1, logs: ['ballots'], fields: { castAt: z.number() } })).toThrow(
      /time or a voter/,
    );
    expect(() => defineEntry({ type: 'x-cast', v: 1, logs: ['ballots'], fields: { timestamp: z.number() } })).toThrow();
    expect(() => defineEntry({ type: 'x-in', v: 1, logs: ['pollbook'], fields: { voterId: z.string() } })).toThrow();
    expect(() =>
      defineEntry({ type: 'x-ok', v: 1, logs: ['ballots'], fields: { candidateId: z.string(), format: z.string() } }),
    ).not.toThrow();
  });
});
