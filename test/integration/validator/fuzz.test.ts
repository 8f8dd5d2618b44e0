/**
 * Hostile HTTP: 10,000 malformed, mutated, oversized, replayed, unsigned and
 * misaddressed requests against one validator (in process, real routes). None may
 * change its state, none may crash it (no 5xx), every refusal carries a stable code
 * and a message; afterwards an honest continuation is still accepted. Also: the
 * per-address rate limit and the body limit answer with their own codes.
 * URNA_VALIDATOR_FUZZ sets the number of requests; the seed is printed on failure.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAddCheckpointRequest } from '../../../core/ledger/witness-protocol';
import type { LogKind } from '../../../core/ids';
import { MemoryEventLogger } from '../../../main/logging';
import { readValidatorConfig } from '../../../validator/config';
import { prepareValidator } from '../../../validator/run';
import { buildValidatorServer } from '../../../validator/server';
import type { ValidatorService } from '../../../validator/service';
import { BallotWriter, makeTestElection, type TestElection } from './fixture';

const REQUESTS = Number(process.env['URNA_VALIDATOR_FUZZ'] ?? 10_000);
const SEED = Number(process.env['URNA_VALIDATOR_FUZZ_SEED'] ?? Date.now() % 1_000_000);

let election: TestElection;
let service: ValidatorService;
let server: FastifyInstance;
let station: BallotWriter;

/** xorshift32: reproducible from the printed seed. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function entriesRequest(log: LogKind, from: number, to: number) {
  const checkpoint = station.ledger.checkpointBetween(log, to - 1, to);
  if (checkpoint === undefined) throw new Error('checkpoint');
  return { origin: station.ledger.origin(log), from, entries: station.ledger.entryTexts(log, from, to), checkpoint: checkpoint.note };
}

async function snapshot(): Promise<string> {
  const logs = (await server.inject({ method: 'GET', url: '/urna/v1/logs' })).body;
  const totals = (await server.inject({ method: 'GET', url: '/urna/v1/totals' })).body;
  return JSON.stringify({ logs, totals, evidence: service.store.evidenceCount() });
}

beforeAll(async () => {
  election = makeTestElection({ validators: 3, stations: [{ id: 'station-1', precinct: 'uik-1201' }], label: 'fuzz' });
  const validator = election.validators[0];
  const spec = election.stations[0];
  if (validator === undefined || spec === undefined) throw new Error('fixture');
  const config = readValidatorConfig(election.writeConfig(validator, 0, { bodyLimit: 256 * 1024 }));
  if (!config.ok) throw new Error(config.error);
  const prepared = prepareValidator(config.value, new MemoryEventLogger());
  if (!prepared.ok) throw new Error(prepared.error);
  service = prepared.value.service;
  server = buildValidatorServer(service, new MemoryEventLogger(), config.value.httpLimits);
  station = BallotWriter.open(election, spec, path.join(election.dir, 'station'));
  station.openPolls();
  for (let i = 0; i < 3; i++) station.castBallot();
  for (const log of ['ballots', 'pollbook'] as const) {
    const response = await server.inject({ method: 'POST', url: '/urna/v1/entries', payload: entriesRequest(log, 0, station.ledger.size(log)) });
    if (response.statusCode !== 200) throw new Error(response.body);
  }
  // A valid continuation the fuzzer mutates but never sends intact.
  station.castBallot();
});

afterAll(async () => {
  station.close();
  await server.close();
  service.store.close();
  election.cleanup();
});

type Attack = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: string; contentType?: string };

function mutateString(text: string, random: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits && chars.length > 0; i++) {
    const at = Math.floor(random() * chars.length);
    const kind = random();
    if (kind < 0.4) chars[at] = String.fromCharCode(32 + Math.floor(random() * 95));
    else if (kind < 0.6) chars.splice(at, 1);
    else if (kind < 0.8) chars.splice(at, 0, ['\n', '\u0000', '—', '"', '{', 'A'][Math.floor(random() * 6)] as string);
    else chars.splice(at, Math.floor(random() * 40));
  }
  return chars.join('');
}

function attacks(random: () => number): Attack[] {
  const ballots = station.ledger.size('ballots');
  const accepted = ballots - 3; // three entries (check-in aside) per voter were added after the sync
  const fresh = entriesRequest('ballots', accepted, ballots);
  const replay = entriesRequest('ballots', 0, accepted);
  const note = fresh.checkpoint;
  const unsigned = note.slice(0, note.indexOf('\n\n') + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const json = (value: unknown): Attack => ({ method: 'POST', url: '/urna/v1/entries', payload: JSON.stringify(value), contentType: 'application/json' });
  const out: Attack[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const r = random();
    if (r < 0.25) {
      // The honest continuation, one field mutated.
      const field = pick(['origin', 'from', 'entries', 'checkpoint', 'extra'] as const);
      const body: Record<string, unknown> = { ...fresh };
      if (field === 'from') body['from'] = pick([accepted - 1, accepted + 1, -1, 1.5, '3', null, 2 ** 60]);
      else if (field === 'entries') {
        const entries = [...fresh.entries];
        const at = Math.floor(random() * entries.length);
        entries[at] = mutateString(entries[at] ?? '', random);
        body['entries'] = random() < 0.2 ? entries.slice(1) : entries;
      } else if (field === 'extra') body['cosignatures'] = ['x'];
      else body[field] = mutateString(String(fresh[field]), random);
      out.push(json(body));
    } else if (r < 0.4) {
      // add-checkpoint with a mutated body.
      out.push({ method: 'POST', url: '/add-checkpoint', payload: mutateString(formatAddCheckpointRequest(accepted, [], note), random), contentType: 'text/plain' });
    } else if (r < 0.5) {
      // Replays of what was accepted before, whole or in part, through either endpoint.
      out.push(random() < 0.5 ? json(replay) : { method: 'POST', url: '/add-checkpoint', payload: formatAddCheckpointRequest(Math.floor(random() * accepted), [], replay.checkpoint) });
    } else if (r < 0.6) {
      // Unsigned or re-signed-by-nobody checkpoints.
      out.push(random() < 0.5 ? json({ ...fresh, checkpoint: unsigned }) : { method: 'POST', url: '/add-checkpoint', payload: formatAddCheckpointRequest(accepted, [], `${unsigned}\n— ${pick(['urna/x/y', 'validator-1', 'station-1'])} QUJDREVGR0g=\n`) });
    } else if (r < 0.7) {
      // Random bytes and wrong types.
      const garbage = Array.from({ length: Math.floor(random() * 300) }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
      out.push({ method: 'POST', url: pick(['/urna/v1/entries', '/add-checkpoint']), payload: garbage, contentType: pick(['application/json', 'text/plain', 'application/octet-stream']) });
    } else if (r < 0.75) {
      out.push(json(pick([[], 'entries', 42, null, { entries: 'x' }, { ...fresh, entries: fresh.entries.map(() => 7) }])));
    } else if (r < 0.8) {
      // Oversized: beyond the 256 KiB body limit.
      out.push({ method: 'POST', url: pick(['/urna/v1/entries', '/add-checkpoint']), payload: 'x'.repeat(300 * 1024), contentType: pick(['application/json', 'text/plain']) });
    } else if (r < 0.9) {
      // Reads with bad parameters and unknown paths or methods.
      out.push({
        method: pick(['GET', 'PUT', 'DELETE'] as const),
        url: pick([
          `/urna/v1/logs/station-1/ballots/entries?start=${Math.floor(random() * 100) - 50}&end=x`,
          `/urna/v1/logs/station-1/ballots/inclusion?index=${ballots + 5}`,
          `/urna/v1/logs/../../etc/consistency?old=2&new=1`,
          `/urna/v1/confirmation/${mutateString('A'.repeat(43), random)}`,
          `/urna/v1/evidence?limit=0`,
          `/${mutateString('add-checkpoint', random)}`,
        ]),
      });
    } else {
      // The right entries for another log, or for another station's origin.
      out.push(json(random() < 0.5 ? { ...fresh, origin: station.ledger.origin('pollbook') } : { ...fresh, origin: fresh.origin.replace('station-1', 'station-2') }));
    }
  }
  return out;
}

describe('validator under hostile requests', () => {
  it(`refuses ${REQUESTS} malformed, oversized, replayed and unsigned requests without a state change (seed ${SEED})`, async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    for (const attack of attacks(prng(SEED))) {
      const response = await server.inject({
        method: attack.method,
        url: attack.url,
        ...(attack.payload === undefined ? {} : { payload: attack.payload }),
        ...(attack.contentType === undefined ? {} : { headers: { 'content-type': attack.contentType } }),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `seed ${SEED}: ${attack.method} ${attack.url} ${attack.payload?.slice(0, 200) ?? ''}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `seed ${SEED}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
      if (response.headers['content-type'] === 'text/x.tlog.size') {
        expect(response.body).toMatch(/^\d+\n$/);
      } else {
        const body = response.json<{ error?: { code: string; message: string } }>();
        if (body.error === undefined) throw new Error(`${attack.method} ${attack.url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        if (typeof body.error.code !== "string") throw new Error(`${attack.method} ${attack.url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        expect(body.error.code).toMatch(/^[a-z-]+$/);
        expect(body.error.message.length).toBeGreaterThan(0);
      }
    }
    expect(await snapshot()).toBe(before);
    expect(statuses.size).toBeGreaterThan(4);

    // The honest continuation still goes through.
    const ballots = station.ledger.size('ballots');
    const ok = await server.inject({ method: 'POST', url: '/urna/v1/entries', payload: entriesRequest('ballots', ballots - 2, ballots) });
    expect(ok.statusCode, ok.body).toBe(200);
  }, 120_000);

  it('limits the rate per client address and the body size, saying why', async () => {
    const validator = election.validators[1];
    if (validator === undefined) throw new Error('validator');
    const config = readValidatorConfig(election.writeConfig(validator, 0, { ratePerSecond: 1, rateBurst: 3, bodyLimit: 2048 }));
    if (!config.ok) throw new Error(config.error);
    const prepared = prepareValidator(config.value, new MemoryEventLogger());
    if (!prepared.ok) throw new Error(prepared.error);
    const limited = buildValidatorServer(prepared.value.service, new MemoryEventLogger(), config.value.httpLimits);
    const tooBig = await limited.inject({ method: 'POST', url: '/add-checkpoint', payload: 'y'.repeat(4096), headers: { 'content-type': 'text/plain' } });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json<{ error: { code: string } }>().error.code).toBe('body-too-large');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await limited.inject({ method: 'GET', url: '/urna/v1/health' })).statusCode);
    expect(codes.slice(0, 2)).toEqual([200, 200]);
    const last = await limited.inject({ method: 'GET', url: '/urna/v1/health' });
    expect(last.statusCode).toBe(429);
    expect(last.json<{ error: { code: string } }>().error.code).toBe('rate-limited');
    expect(last.headers['retry-after']).toBeDefined();
    await limited.close();
    prepared.value.service.store.close();
  });
});
