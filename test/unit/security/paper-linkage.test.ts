/**
 * The paper-record linkage attack (docs/PAPER.md), replayed on a real station
 * day: a poll worker opens the polls and checks four voters in at the desk; each
 * marks and casts on the kiosk (one challenges first, two use English). Then the
 * attacker holds what officials, validators and observers hold:
 *
 *   - the paper records from the ballot box, in the box's order (mixed), read as
 *     a person or a scanner reads them (text and QR contents);
 *   - the public ballot log (what every validator stores and publishes);
 *   - the check-in order: who voted n-th (officials have the poll book; an
 *     observer can simply count).
 *
 * The n-th check-in precedes the n-th cast ballot, so anything on a paper that
 * also appears in a log entry (a ballot id, a confirmation code or its short
 * form, any value of the entry) joins that paper to a voter. Before this issue
 * the paper record printed the ballot id, and the attack recovered all 4 votes;
 * the paper record now carries nothing from the log (docs/PAPER.md), and it
 * recovers none. The papers still give the hand count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortConfirmationCode, type BallotMarks } from '../../../core/api/ballot';
import type { Language } from '../../../core/api/station-api';
import { fromBase64Url } from '../../../core/encoding/bytes';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import type { LedgerEntry } from '../../../core/ledger/entries';
import { MemoryPrinter } from '../../support/memory-printer';
import { runPollingDay, startTestStation, succeeded, type TestStation } from '../../support/station';

type Voter = {
  readonly voterId: string;
  readonly language: Language;
  readonly candidate: string;
  readonly names: readonly string[];
  readonly challengesFirst: boolean;
};

const VOTERS: readonly Voter[] = [
  {
    candidate: 'bogdanov-ilya',
    names: ['Богданов Илья Петрович', 'Ilya Petrovich Bogdanov'],
    language: 'ru' as const,
    challengesFirst: false,
  },
  {
    candidate: 'ivanova-svetlana',
    names: ['Иванова Светлана Михайловна', 'Svetlana Mikhailovna Ivanova'],
    language: 'en' as const,
    challengesFirst: true,
  },
  {
    candidate: 'demidov-artem',
    names: ['Демидов Артём Валерьевич', 'Artyom Valeryevich Demidov'],
    language: 'ru' as const,
    challengesFirst: false,
  },
  {
    candidate: 'zaitsev-roman',
    names: ['Зайцев Роман Евгеньевич', 'Roman Yevgenyevich Zaitsev'],
    language: 'en' as const,
    challengesFirst: false,
  },
].map((v, i) => ({ ...v, voterId: SAMPLE_VOTER_IDS['uik-1202'][i] ?? '' }));

const marksOf = (voter: Voter): BallotMarks => ({
  selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': [voter.candidate] },
  writeIns: {},
});

let station: TestStation;
let printer: MemoryPrinter;
let box: string[];
let ballotLog: LedgerEntry[];
let checkInOrder: string[];

/** A fixed shuffle (Fisher–Yates on a small LCG): papers fall into the box in no useful order. */
function mixed<T>(items: readonly T[]): T[] {
  const out = [...items];
  let state = 20260920;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

beforeAll(async () => {
  printer = new MemoryPrinter();
  station = startTestStation({
    stationId: 'st-paper-day',
    sampleElection: true,
    precinctId: 'uik-1202',
    ballotPrinter: printer,
    staffReader: true,
  });
  await runPollingDay(
    station,
    VOTERS.map((voter) => ({ ...voter, marks: marksOf(voter) })),
  );
  checkInOrder = VOTERS.map((voter) => voter.voterId);
  // The box: every paper record printed, in no useful order.
  box = mixed(
    printer.printed.filter((p) => p.includes('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ') || p.includes('PAPER RECORD OF BALLOT')),
  );
  ballotLog = station.ledger.entries('ballots', 0, station.ledger.size('ballots'));
});

afterAll(async () => {
  await station?.close();
});

/** Every string inside a log entry, at any depth. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * The attack: for each cast ballot, in log order, everything the log says about it
 * (every value of its pending entry, and the short code anyone derives from the
 * full one); a paper showing any of it is that ballot's, and the n-th cast ballot
 * is the n-th voter checked in. Returns the voter each paper was linked to.
 */
function linkPapersToVoters(
  papers: readonly string[],
  log: readonly LedgerEntry[],
  voters: readonly string[],
): Map<string, string> {
  const pendingById = new Map<string, LedgerEntry>();
  for (const entry of log) {
    const ballot = entry['ballot'] as { ballotId?: string } | undefined;
    if (entry.type === 'ballot-pending' && typeof ballot?.ballotId === 'string')
      pendingById.set(ballot.ballotId, entry);
  }
  const castInOrder = log.filter((e) => e.type === 'ballot-cast').map((e) => e['ballotId'] as string);
  const linked = new Map<string, string>();
  for (const [n, ballotId] of castInOrder.entries()) {
    const pending = pendingById.get(ballotId);
    if (pending === undefined) continue;
    const code = pending['confirmationCode'] as string;
    // Short values (a version number, a style id) name no ballot; only a ballot's own values do.
    const tokens = [
      ...strings(pending).filter((s) => s.length >= 16 && s !== pending['ballotStyleId']),
      ballotId,
      code,
      shortConfirmationCode(fromBase64Url(code)),
    ];
    const paper = papers.find((p) => tokens.some((token) => p.includes(token)));
    const voter = voters[n];
    if (paper !== undefined && voter !== undefined) linked.set(voter, paper);
  }
  return linked;
}

describe('paper records, the public log and the check-in order', () => {
  it('were made on a real station day: four paper records in the box, four cast ballots, four check-ins', async () => {
    expect(box).toHaveLength(VOTERS.length);
    expect(ballotLog.filter((e) => e.type === 'ballot-cast')).toHaveLength(VOTERS.length);
    expect(ballotLog.filter((e) => e.type === 'ballot-challenged')).toHaveLength(1);
    expect(succeeded(await station.client.getStationStatus({})).pollBook.checkIns).toBe(VOTERS.length);
  });

  it("link no voter to their vote (before: every voter's)", () => {
    const linked = linkPapersToVoters(box, ballotLog, checkInOrder);
    const recovered = VOTERS.filter((voter) => {
      const paper = linked.get(voter.voterId)?.replace(/\s+/gu, ' ');
      return paper !== undefined && voter.names.some((name) => paper.includes(name));
    }).map((v) => v.voterId);
    expect({ linked: linked.size, recovered }).toEqual({ linked: 0, recovered: [] });
  });

  it('still give the hand count: each candidate once, in the official language, on the papers in the box', () => {
    for (const voter of VOTERS) {
      const [official] = voter.names;
      expect(box.filter((paper) => paper.replace(/\s+/gu, ' ').includes(official ?? '—'))).toHaveLength(1);
    }
    expect(box.every((paper) => paper.includes('[X] Да'))).toBe(true);
  });
});
