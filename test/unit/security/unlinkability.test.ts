/**
 * A simulated polling day on a real station: the poll worker checks voters in
 * (poll-book log) and each votes on the kiosk (ballot log); one challenges first.
 * Then the two logs are joined the way an insider with the disk would try:
 *
 *   - the ballot log holds no voter identity, no keyed voter hash, no check-in
 *     reference and no time, and the two logs share no counter, no entry type and
 *     no field but the envelope and the ballot style: each records the lifecycle
 *     with its own entries and its own count (ballots cast / check-ins);
 *   - the event log (which has times) names no ballot, no code and no voter;
 *   - what is left is order: the n-th check-in precedes the n-th ballot. The test
 *     shows that join works, so nobody mistakes it for impossible: it is the
 *     residual risk docs/THREAT_MODEL.md states. The paper records add nothing to
 *     it (test/unit/security/paper-linkage.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import type { LedgerEntry } from '../../../core/ledger/entries';
import { MemoryPrinter } from '../../support/memory-printer';
import { runPollingDay, startTestStation, type TestStation } from '../../support/station';
const VOTERS = SAMPLE_VOTER_IDS['uik-1202'].slice(0, 6);
const MARKS: BallotMarks[] = [
  { selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': ['bogdanov-ilya'] }, writeIns: {} },
  {
    selections: { 'charter-amendment': ['charter-no'], 'council-district-1': ['ivanova-svetlana', 'write-in-1'] },
    writeIns: { 'council-district-1': { 'write-in-1': 'Петрова Зоя' } },
  },
];

let station: TestStation;
let ballots: LedgerEntry[];
let pollbook: LedgerEntry[];

beforeAll(async () => {
  station = startTestStation({
    stationId: 'st-day-01',
    sampleElection: true,
    precinctId: 'uik-1202',
    ballotPrinter: new MemoryPrinter(),
    staffReader: true,
  });
  await runPollingDay(
    station,
    VOTERS.map((voterId, i) => ({ voterId, marks: MARKS[i % MARKS.length] as BallotMarks, challengesFirst: i === 2 })),
  );
  ballots = station.ledger.entries('ballots', 0, station.ledger.size('ballots'));
  pollbook = station.ledger.entries('pollbook', 0, station.ledger.size('pollbook'));
});

afterAll(async () => {
  await station?.close();
});

/** Every string and number inside a value, with the key it sits under. */
function leaves(value: unknown, key = ''): { key: string; value: string }[] {
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, Array.isArray(value) ? key : k));
  return [{ key, value: String(value) }];
}

describe('a day of voting: ballot log and poll book', () => {
  it('records one check-in per voter and one cast ballot per voter', () => {
    expect(pollbook.filter((e) => e.type === 'check-in')).toHaveLength(VOTERS.length);
    expect(ballots.filter((e) => e.type === 'ballot-cast')).toHaveLength(VOTERS.length);
    expect(ballots.filter((e) => e.type === 'ballot-challenged')).toHaveLength(1);
  });

  it('the ballot log holds no voter id, no voter hash, no check-in reference and no time', () => {
    const voterHashes = pollbook.filter((e) => e.type === 'check-in').map((e) => e['voterHash'] as string);
    const text = JSON.stringify(ballots);
    for (const id of VOTERS) expect(text).not.toContain(id);
    for (const hash of voterHashes) {
      expect(text).not.toContain(hash);
      // Nor any recognisable piece of one.
      expect(text).not.toContain(hash.slice(0, 12));
    }
    const keys = new Set(leaves(ballots).map((l) => l.key.toLowerCase()));
    for (const forbidden of [
      'voter',
      'voterhash',
      'voterid',
      'checkin',
      'time',
      'timestamp',
      'date',
      'at',
      'seq',
      'sequence',
      'precinctid',
      'activation',
      'cardid',
    ]) {
      expect(keys.has(forbidden), `ballot entries have a "${forbidden}" field`).toBe(false);
    }
    // No date or clock time anywhere in a value.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|\d{2}:\d{2}:\d{2}|1[6-9]\d{11}/);
  });

  it('the two logs share no counter: no entry type and no field but the envelope and the ballot style', () => {
    const typesOf = (entries: LedgerEntry[]) => new Set(entries.map((e) => e.type));
    const fieldsOf = (entries: LedgerEntry[]) => new Set(entries.flatMap((e) => Object.keys(e)));
    const pollbookTypes = typesOf(pollbook);
    expect([...typesOf(ballots)].filter((type) => pollbookTypes.has(type))).toEqual([]);
    const pollbookFields = fieldsOf(pollbook);
    expect([...fieldsOf(ballots)].filter((field) => pollbookFields.has(field)).sort()).toEqual([
      'ballotStyleId',
      'type',
      'v',
    ]);
    // Each log counts only itself: the ballot log its cast ballots, the poll book its check-ins and reissues.
    const lifecycle = (entries: LedgerEntry[], prefix: string) => entries.filter((e) => e.type.startsWith(prefix));
    expect(lifecycle(ballots, 'polls-').map((e) => Object.keys(e).sort())).toEqual(
      Array(2).fill(['ballotsCast', 'type', 'v']),
    );
    expect(lifecycle(pollbook, 'pollbook-').map((e) => Object.keys(e).sort())).toEqual(
      Array(2).fill(['ballotsReissued', 'checkIns', 'type', 'v']),
    );
    expect(lifecycle(pollbook, 'pollbook-').map((e) => e['checkIns'])).toEqual([0, VOTERS.length]);
    expect(lifecycle(pollbook, 'pollbook-').map((e) => e['ballotsReissued'])).toEqual([0, 0]);
    expect(lifecycle(ballots, 'polls-').map((e) => e['ballotsCast'])).toEqual([0, VOTERS.length]);
  });

  it('the two logs share no value but the ballot style and small numbers', () => {
    const pollbookValues = new Set(leaves(pollbook).map((l) => l.value));
    const shared = new Set(
      leaves(ballots)
        .filter((l) => pollbookValues.has(l.value))
        .map((l) => `${l.key}=${l.value}`),
    );
    const allowed = (item: string) =>
      /^(v=1|ballotStyleId=style-district-1)$/.test(item) ||
      // Small numbers coincide by arithmetic, not by reference (six voters: six cast, six check-ins).
      /^[a-zA-Z]+=\d{1,2}$/.test(item);
    expect([...shared].filter((item) => !allowed(item))).toEqual([]);
  });

  it('the event log, which has times, names no ballot, no confirmation code and no voter', () => {
    const ballotIds = ballots.filter((e) => e.type === 'ballot-cast').map((e) => e['ballotId'] as string);
    const codes = ballots.filter((e) => e.type === 'ballot-pending').map((e) => e['confirmationCode'] as string);
    const voterHashes = pollbook.filter((e) => e.type === 'check-in').map((e) => e['voterHash'] as string);
    const events = JSON.stringify(station.logger.events);
    for (const secret of [...ballotIds, ...codes, ...voterHashes, ...VOTERS]) expect(events).not.toContain(secret);
  });

  it('order is the one link left: the n-th check-in precedes the n-th ballot (stated in the threat model)', () => {
    const checkIns = pollbook.filter((e) => e.type === 'check-in');
    const cast = ballots.filter((e) => e.type === 'ballot-pending');
    // An insider who has both logs pairs them by position. Each ballot is then
    // protected only by its encryption (and the threshold of guardians).
    expect(checkIns).toHaveLength(cast.length);
    expect(cast.every((entry, n) => entry['ballotStyleId'] === checkIns[n]?.['ballotStyleId'])).toBe(true);
  });
});
