/**
 * The event registry (core/events.ts) is the one list of what can be logged:
 * docs/EVENTS.md is generated from it, every log call in the code uses a
 * registered id with its required fields, and a line that breaks the registry
 * fails the typecheck, the source check and the in-memory loggers alike.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_SPECS, eventProblems } from '../../../core/events';
import type { EventLogger } from '../../../core/logging';
import { MemoryLogger } from '../../../hardware/logger';
import { MemoryEventLogger } from '../../../main/logging';
import { checkEventCalls, EVENTS_DOC, renderEventsDoc } from '../../../scripts/events-doc';

const fixture = path.resolve('test/fixtures/events-bad');

/** Each line here is a mistake the typecheck refuses (`@ts-expect-error` fails the typecheck if it does not). */
function badLines(logger: EventLogger): void {
  // @ts-expect-error an unregistered id
  logger.log('polls.teleported', { outcome: 'success' });
  // @ts-expect-error a required field missing (cardId)
  logger.log('polls.opened', { outcome: 'success' });
  // @ts-expect-error a user action without its outcome
  logger.log('ballot.cast', { ballotsCast: 1 });
  // @ts-expect-error an outcome other than the registered one
  logger.log('ballot.cast', { ballotsCast: 1, outcome: 'failure' });
  // @ts-expect-error a status with an outcome
  logger.log('voter.session-transition', { action: 'cast', from: 'a', to: 'b', outcome: 'success' });
  logger.log('pollbook.checked-in', {
    cardId: 'pw',
    precinctId: 'p',
    ballotStyleId: 's',
    activation: 'kiosk',
    // @ts-expect-error a banned field: a voter's identity next to a check-in
    voterId: 'v-17',
    outcome: 'success',
  });
  // @ts-expect-error a banned field: a ballot's id next to a ballot event
  logger.log('ballot.challenged', { ballotsChallenged: 1, ballotId: 'b-1', outcome: 'success' });
}

describe('event registry', () => {
  it('docs/EVENTS.md is the one generated from the registry (npm run events-doc)', () => {
    expect(readFileSync(path.resolve(EVENTS_DOC), 'utf8')).toBe(renderEventsDoc());
  });

  it('lists every registered id with its documentation', () => {
    const doc = renderEventsDoc();
    for (const [id, spec] of Object.entries(EVENT_SPECS)) {
      expect(doc).toContain(`| \`${id}\` |`);
      expect(spec.doc.length).toBeGreaterThan(10);
    }
  });

  it('gives every user action an outcome, and a refusal the outcome failure', () => {
    const specs = Object.entries(EVENT_SPECS);
    expect(
      specs.filter(([, spec]) => spec.kind === 'user-action' && spec.outcome === undefined).map(([id]) => id),
    ).toEqual([]);
    expect(
      specs
        .filter(([id, spec]) => id.endsWith('-refused') && spec.kind === 'user-action' && spec.outcome !== 'failure')
        .map(([id]) => id),
    ).toEqual([]);
  });

  it('finds no unregistered id, missing field or banned field in the code', () => {
    expect(checkEventCalls(path.resolve('.'))).toEqual([]);
  });

  it('finds every mistake in the fixture, and nothing in its correct lines', () => {
    const found = checkEventCalls(fixture, ['main', 'hardware']).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(found).toEqual([
      'main/station/bad-procedure.ts:6: polls.teleported: not a registered event id (core/events.ts)',
      'main/station/bad-procedure.ts:7: polls.opened: missing field "cardId"',
      'main/station/bad-procedure.ts:8: ballot.cast: missing field "outcome"',
      'main/station/bad-procedure.ts:9: pollbook.checked-in: carries the banned field "voterId"',
      'main/station/bad-procedure.ts:10: voter.session-transition: has an outcome but is not registered with one',
      'main/station/bad-procedure.ts:11: polls.opened: a refusal is logged under an event registered with outcome "failure"',
      'main/station/bad-procedure.ts:11: polls.opened: missing field "cardId"',
      'main/station/bad-procedure.ts:14: pollbook.check-in-refusd: looks like an event id of area "pollbook" but is not registered (core/events.ts)',
      'hardware/bad-driver.ts:5: `….teleported`: no registered event id ends so (core/events.ts)',
    ]);
  });

  it('makes both in-memory loggers refuse each bad line at run time too', () => {
    for (const logger of [new MemoryEventLogger(), new MemoryLogger()]) {
      const lines: [string, Record<string, unknown>][] = [];
      badLines({ log: (eventId, fields) => lines.push([eventId, fields]) });
      expect(lines).toHaveLength(7);
      for (const [eventId, fields] of lines) {
        // The loggers take only registered ids by type; this is the check for lines whose id or fields the types could not see.
        expect(() => (logger as { log(id: string, f: Record<string, unknown>): void }).log(eventId, fields)).toThrow(
          /bad event log line/,
        );
      }
    }
  });

  it('names what is wrong with a line', () => {
    expect(eventProblems('polls.opened', { outcome: 'success' })).toEqual(['polls.opened: missing field "cardId"']);
    expect(eventProblems('ballot.cast', { ballotsCast: 1, outcome: 'failure' })).toEqual([
      'ballot.cast: outcome is "failure", registered as "success"',
    ]);
    expect(
      eventProblems('station.self-test', { cardId: 'pw', passed: false, failed: ['printer'], outcome: 'failure' }),
    ).toEqual([]);
    expect(eventProblems('sync.stopped', { time: '2026-12-05T07:00:00Z' })).toEqual([
      'sync.stopped: carries the banned field "time"',
    ]);
  });
});
