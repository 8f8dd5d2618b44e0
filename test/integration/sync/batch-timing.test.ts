/**
 * A validator learns no ballot times. After a station day — `urna simulate`: a
 * headless kiosk driven through the poll-worker desk and the casting pipeline, with
 * the real printer and card-reader drivers, syncing to real `urna validator start`
 * processes — everything the validators wrote down and everything their bulletin
 * board serves is read back, and every time in it (ISO dates, HTTP dates, epoch
 * seconds or milliseconds, cosignature timestamps, the Date header) must sit on a
 * boundary of the validator's time window (300 s by default): no time finer than a
 * batch, so no time that could pair a check-in with a ballot.
 *
 * Before batched sync and coarse validator clocks, the event log held the
 * millisecond of every cosigned range of both logs and this test failed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidatorProcess } from '../../../cli/simulate/validator-process';
import { splitTimestampedSignature } from '../../../core/ledger/cosignature';
import { parseNote } from '../../../core/ledger/note';
import { socatAvailable } from '../../../main/station/demo-devices';
import { DEFAULT_TIME_WINDOW_SECONDS } from '../../../validator/time-window';
import { urnaAsync, type Ran } from '../../support/guardian-machines';

const WINDOW_MS = DEFAULT_TIME_WINDOW_SECONDS * 1000;
const VOTERS = 10;

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const HTTP_TIME = /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g;

/** One time found somewhere, as milliseconds since the epoch. */
type FoundTime = { readonly where: string; readonly text: string; readonly ms: number };

/** Every time-like value inside `value` (strings, numbers, JSON nested in strings). */
function timesIn(where: string, value: unknown, out: FoundTime[] = []): FoundTime[] {
  if (typeof value === 'number') {
    // Epoch seconds from 2001 to 2286, or epoch milliseconds in the same span.
    if (value >= 1e9 && value < 1e10) out.push({ where, text: String(value), ms: value * 1000 });
    else if (value >= 1e12 && value < 1e13) out.push({ where, text: String(value), ms: value });
  } else if (typeof value === 'bigint') {
    timesIn(where, Number(value), out);
  } else if (typeof value === 'string') {
    for (const m of value.matchAll(ISO_TIME)) out.push({ where, text: m[0], ms: Date.parse(m[0]) });
    for (const m of value.matchAll(HTTP_TIME)) out.push({ where, text: m[0], ms: Date.parse(m[0]) });
    if (/^\s*[[{]/.test(value)) {
      try {
        timesIn(where, JSON.parse(value) as unknown, out);
      } catch {
        // not JSON after all: its text was searched above
      }
    }
    // A bare number in text (a SQLite TEXT column, a header).
    if (/^\d{10}(?:\d{3})?$/.test(value.trim())) timesIn(where, Number(value.trim()), out);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => timesIn(`${where}[${i}]`, v, out));
  } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) timesIn(`${where}.${k}`, v, out);
  }
  return out;
}

/** The cosignature/v1 timestamps of every validator line on a checkpoint note. */
function cosignatureTimes(where: string, noteText: string): FoundTime[] {
  const note = parseNote(noteText);
  if (!note.ok) throw new Error(`${where}: not a note`);
  return note.value.signatures
    .filter((s) => s.name.startsWith('validator-'))
    .map((s) => {
      const split = splitTimestampedSignature(s.signature);
      if (!split.ok) throw new Error(`${where}: ${s.name} line is not a cosignature`);
      return {
        where: `${where} (${s.name} cosignature)`,
        text: String(split.value.timestamp),
        ms: split.value.timestamp * 1000,
      };
    });
}

function offWindow(times: readonly FoundTime[]): FoundTime[] {
  return times.filter((t) => !Number.isFinite(t.ms) || t.ms % WINDOW_MS !== 0);
}

let dir: string;
let work: string;

/** `urna simulate`, small, keeping its working folder (validator data, configs). */
function simulate(): Promise<Ran> {
  const shape = [
    '--stations',
    '1',
    '--voters',
    String(VOTERS),
    '--validators',
    '2',
    '--cosign',
    '2',
    '--guardians',
    '2',
    '--threshold',
    '2',
  ];
  return urnaAsync([
    'simulate',
    ...shape,
    '--seed',
    'batch-timing',
    '--out',
    path.join(dir, 'out'),
    '--work',
    work,
    '--keep-work',
    '--quiet',
    '--threads',
    '1',
  ]);
}

async function getText(url: string): Promise<{ body: string; headers: Record<string, string> }> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return { body: await response.text(), headers: Object.fromEntries(response.headers.entries()) };
}

describe.skipIf(!socatAvailable())('a validator after a station day', () => {
  const found: FoundTime[] = [];
  const cosignedEvents: { origin: string; entries: number }[] = [];
  let ballotEntries = 0;
  let checkIns = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'urna-batch-timing-'));
    work = path.join(dir, 'work');
    const run = await simulate();
    if (run.status !== 0) throw new Error(`urna simulate failed (${run.status}): ${run.stderr.slice(-3000)}`);
    const summary = JSON.parse(run.stdout) as { match: boolean; verified: boolean };
    expect(summary.match && summary.verified).toBe(true);

    const validatorsDir = path.join(work, 'validators');
    const configs = readdirSync(validatorsDir).filter((f) => /^validator-\d+\.json$/.test(f));
    expect(configs).toHaveLength(2);
    for (const config of configs) {
      const name = config.replace(/\.json$/, '');
      const dataDir = path.join(validatorsDir, `${name}-data`);

      // What it served: started again on its data, every public endpoint read back.
      const validator = new ValidatorProcess(path.join(validatorsDir, config));
      const base = await validator.start();
      try {
        const served: { path: string; body: string; headers: Record<string, string> }[] = [];
        const read = async (p: string) => {
          const r = await getText(new URL(p, base).toString());
          served.push({ path: p, ...r });
          return r.body;
        };
        await read('/urna/v1/health');
        await read('/urna/v1/validator');
        await read('/urna/v1/totals');
        await read('/urna/v1/evidence');
        const logs = JSON.parse(await read('/urna/v1/logs')) as {
          logs: { stationId: string; log: string; size: number }[];
        };
        expect(logs.logs).toHaveLength(2);
        for (const log of logs.logs) {
          const checkpoint = await read(`/urna/v1/logs/${log.stationId}/${log.log}/checkpoint`);
          found.push(...cosignatureTimes(`${name} ${log.log} checkpoint`, checkpoint));
          await read(`/urna/v1/logs/${log.stationId}/${log.log}/consistency?old=1&new=${log.size}`);
          await read(`/urna/v1/logs/${log.stationId}/${log.log}/inclusion?index=0&size=${log.size}`);
          if (log.log === 'pollbook') continue;
          const entries = (
            JSON.parse(await read(`/urna/v1/logs/${log.stationId}/ballots/entries`)) as { entries: string[] }
          ).entries;
          ballotEntries = entries.length;
          for (const text of entries) {
            const entry = JSON.parse(text) as { confirmationCode?: string };
            if (entry.confirmationCode === undefined) continue;
            const lookup = JSON.parse(await read(`/urna/v1/confirmation/${entry.confirmationCode}`)) as {
              checkpoint: string;
            };
            found.push(...cosignatureTimes(`${name} confirmation lookup`, lookup.checkpoint));
          }
        }
        for (const s of served) {
          found.push(...timesIn(`${name} GET ${s.path} body`, s.body));
          found.push(...timesIn(`${name} GET ${s.path} headers`, s.headers));
        }
        expect(served.every((s) => s.headers['date'] !== undefined)).toBe(true);
      } finally {
        await validator.stop();
      }

      // What it wrote down: its event log, line by line, and every row of its store.
      const events = readFileSync(path.join(dataDir, 'events.jsonl'), 'utf8').trim().split('\n');
      for (const [i, line] of events.entries())
        found.push(...timesIn(`${name} events.jsonl:${i + 1}`, JSON.parse(line) as unknown));
      cosignedEvents.push(
        ...events
          .map((l) => JSON.parse(l) as { event: string; origin?: string; entries?: number })
          .filter((e) => e.event === 'validator.cosigned')
          .map((e) => ({ origin: e.origin ?? '', entries: e.entries ?? 0 })),
      );
      const db = new Database(path.join(dataDir, 'validator.sqlite'), { readonly: true });
      try {
        const tables = (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
        ).map((t) => t.name);
        for (const table of tables) {
          for (const [i, row] of (
            db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]
          ).entries()) {
            const decoded = Object.fromEntries(
              Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : v]),
            );
            found.push(...timesIn(`${name} validator.sqlite ${table}#${i}`, decoded));
          }
        }
        checkIns = (db.prepare('SELECT count(*) AS n FROM checkins').get() as { n: number }).n;
        for (const row of db.prepare('SELECT cosigned FROM logs').all() as { cosigned: string }[])
          found.push(...cosignatureTimes(`${name} stored checkpoint`, row.cosigned));
      } finally {
        db.close();
      }
    }
  }, 900_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the whole day: every voter checked in and cast', () => {
    expect(checkIns).toBe(VOTERS);
    // polls opened, resumed after each fault-free pause (none), closed; pending and cast per voter
    expect(ballotEntries).toBeGreaterThanOrEqual(2 * VOTERS + 2);
  });

  it('records and serves no time finer than its time window', () => {
    // The scan must have found the times that are there (log lines, cosignatures, Date headers).
    expect(found.length).toBeGreaterThan(50);
    expect(found.filter((t) => t.where.includes('cosignature')).length).toBeGreaterThan(0);
    expect(found.filter((t) => t.where.includes('headers')).length).toBeGreaterThan(0);
    expect(offWindow(found).slice(0, 10)).toEqual([]);
  });

  it('received the check-ins in batches, not one by one', () => {
    const pollbook = cosignedEvents.filter((e) => e.origin.endsWith('/pollbook'));
    // Per validator, fewer pushes than check-ins: some batch carried several voters.
    expect(pollbook.length / 2).toBeLessThan(VOTERS);
    expect(Math.max(...pollbook.map((e) => e.entries))).toBeGreaterThan(1);
  });
});
