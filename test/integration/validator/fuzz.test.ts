/**
 * Hostile HTTP: 10,000 malformed, mutated, oversized, replayed, unsigned and
 * misaddressed requests against one validator (in process, real routes). None may
 * change its state, none may crash it (no 5xx), every refusal carries a stable code
 * and a message; afterwards an honest continuation is still accepted. Also: the
 * per-address rate limit and the body limit answer with their own codes.
 * Bodies go through fastify's injector; hostile paths go over a real socket, byte for
 * byte as a client would send them (dot segments, doubled slashes and stray percent
 * signs included), because the injector parses the URL first and would normalise or
 * reject what the server must be shown.
 * URNA_VALIDATOR_FUZZ sets the number of requests and URNA_VALIDATOR_FUZZ_SEED the
 * seed; the seed is printed at the start and named in every failure.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { prepareStore, storeKind } from './stores';

// On PostgreSQL a refused request costs the same checks and a round trip more; fewer keep CI short (URNA_VALIDATOR_FUZZ sets both).
const REQUESTS = Number(process.env['URNA_VALIDATOR_FUZZ'] ?? (storeKind() === 'postgres' ? 2_000 : 10_000));
const SEED = Number(process.env['URNA_VALIDATOR_FUZZ_SEED'] ?? Date.now() % 1_000_000);

let election: TestElection;
let service: ValidatorService;
let server: FastifyInstance;
let station: BallotWriter;
let origin: string;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

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
  return {
    origin: station.ledger.origin(log),
    from,
    entries: station.ledger.entryTexts(log, from, to),
    checkpoint: checkpoint.note,
  };
}

async function snapshot(): Promise<string> {
  const logs = (await server.inject({ method: 'GET', url: '/urna/v1/logs' })).body;
  const totals = (await server.inject({ method: 'GET', url: '/urna/v1/totals' })).body;
  return JSON.stringify({ logs, totals, evidence: await service.store.read.evidenceCount() });
}

beforeAll(async () => {
  election = makeTestElection({ validators: 3, stations: [{ id: 'station-1', precinct: 'uik-1201' }], label: 'fuzz' });
  const validator = election.validators[0];
  const spec = election.stations[0];
  if (validator === undefined || spec === undefined) throw new Error('fixture');
  election.writeConfig(validator, 0, { bodyLimit: 256 * 1024 });
  await prepareStore(validator);
  const config = readValidatorConfig(validator.configFile);
  if (!config.ok) throw new Error(config.error);
  const prepared = await prepareValidator(config.value, new MemoryEventLogger());
  if (!prepared.ok) throw new Error(prepared.error);
  service = prepared.value.service;
  server = buildValidatorServer(service, new MemoryEventLogger(), config.value.httpLimits);
  await server.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  station = BallotWriter.open(election, spec, path.join(election.dir, 'station'));
  station.openPolls();
  for (let i = 0; i < 3; i++) station.castBallot();
  for (const log of ['ballots', 'pollbook'] as const) {
    const response = await server.inject({
      method: 'POST',
      url: '/urna/v1/entries',
      payload: entriesRequest(log, 0, station.ledger.size(log)),
    });
    if (response.statusCode !== 200) throw new Error(response.body);
  }
  // A valid continuation the fuzzer mutates but never sends intact.
  station.castBallot();
});

afterAll(async () => {
  agent.destroy();
  station.close();
  await server.close();
  await service.store.close();
  election.cleanup();
});

/** `raw`: the path is sent over a socket exactly as written. */
type Attack = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: string;
  contentType?: string;
  raw?: true;
};
type Answer = { statusCode: number; contentType: string | undefined; body: string };

/** RFC 3986 pchar, '/' and '?', plus '%' left bare (stray or not): what a client puts on the request line as is. */
const WIRE_PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]$/;

/**
 * A mutated path as a client would put it on the wire: anything outside the request
 * target's character set is percent-encoded as UTF-8 (a space, a control character,
 * a backslash, a '#', non-ASCII); everything else — '..' segments, '//', stray '%' —
 * reaches the server untouched.
 */
function onTheWire(target: string): string {
  let out = '';
  for (const char of target) {
    if (WIRE_PATH_CHAR.test(char)) out += char;
    else
      for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.startsWith('/') ? out : `/${out}`;
}

function overTheSocket(attack: Attack): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${origin}/`,
      {
        agent,
        method: attack.method,
        path: attack.url,
        headers: attack.contentType === undefined ? {} : { 'content-type': attack.contentType },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            statusCode: incoming.statusCode ?? 0,
            contentType: incoming.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    // A request the validator never answers is a finding, not a test timeout.
    outgoing.setTimeout(20_000, () => outgoing.destroy(new Error('no answer in 20 s')));
    outgoing.end(attack.payload);
  });
}

async function send(attack: Attack): Promise<Answer> {
  if (attack.raw === true) return overTheSocket(attack);
  const response = await server.inject({
    method: attack.method,
    url: attack.url,
    ...(attack.payload === undefined ? {} : { payload: attack.payload }),
    ...(attack.contentType === undefined ? {} : { headers: { 'content-type': attack.contentType } }),
  });
  const contentType = response.headers['content-type'];
  return {
    statusCode: response.statusCode,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    body: response.body,
  };
}

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
  const json = (value: unknown): Attack => ({
    method: 'POST',
    url: '/urna/v1/entries',
    payload: JSON.stringify(value),
    contentType: 'application/json',
  });
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
      out.push({
        method: 'POST',
        url: '/add-checkpoint',
        payload: mutateString(formatAddCheckpointRequest(accepted, [], note), random),
        contentType: 'text/plain',
      });
    } else if (r < 0.5) {
      // Replays of what was accepted before, whole or in part, through either endpoint.
      out.push(
        random() < 0.5
          ? json(replay)
          : {
              method: 'POST',
              url: '/add-checkpoint',
              payload: formatAddCheckpointRequest(Math.floor(random() * accepted), [], replay.checkpoint),
            },
      );
    } else if (r < 0.6) {
      // Unsigned or re-signed-by-nobody checkpoints.
      out.push(
        random() < 0.5
          ? json({ ...fresh, checkpoint: unsigned })
          : {
              method: 'POST',
              url: '/add-checkpoint',
              payload: formatAddCheckpointRequest(
                accepted,
                [],
                `${unsigned}\n— ${pick(['urna/x/y', 'validator-1', 'station-1'])} QUJDREVGR0g=\n`,
              ),
            },
      );
    } else if (r < 0.7) {
      // Random bytes and wrong types.
      const garbage = Array.from({ length: Math.floor(random() * 300) }, () =>
        String.fromCharCode(Math.floor(random() * 256)),
      ).join('');
      out.push({
        method: 'POST',
        url: pick(['/urna/v1/entries', '/add-checkpoint']),
        payload: garbage,
        contentType: pick(['application/json', 'text/plain', 'application/octet-stream']),
      });
    } else if (r < 0.75) {
      out.push(
        json(pick([[], 'entries', 42, null, { entries: 'x' }, { ...fresh, entries: fresh.entries.map(() => 7) }])),
      );
    } else if (r < 0.8) {
      // Oversized: beyond the 256 KiB body limit.
      out.push({
        method: 'POST',
        url: pick(['/urna/v1/entries', '/add-checkpoint']),
        payload: 'x'.repeat(300 * 1024),
        contentType: pick(['application/json', 'text/plain']),
      });
    } else if (r < 0.9) {
      // Reads with bad parameters and unknown paths or methods, over a real socket.
      out.push({
        method: pick(['GET', 'PUT', 'DELETE'] as const),
        raw: true,
        url: onTheWire(
          pick([
            `/urna/v1/logs/station-1/ballots/entries?start=${Math.floor(random() * 100) - 50}&end=x`,
            `/urna/v1/logs/station-1/ballots/inclusion?index=${ballots + 5}`,
            `/urna/v1/logs/../../etc/consistency?old=2&new=1`,
            `/urna/v1/logs/%2e%2e/%2E%2E/station-1/ballots/checkpoint`,
            `/urna/v1/logs/station-1/ballots/entries?start=0&start=1&end=%00`,
            `/urna/v1/logs/station-1%2F..%2Fstation-2/ballots/checkpoint`,
            `/urna/v1/logs/station-1/ballots/entries?start=1%zz&end=%`,
            `/urna/v1/confirmation/${mutateString('A'.repeat(43), random)}`,
            `/urna/v1/evidence?limit=0`,
            `//${mutateString('urna/v1/health', random)}`,
            `/${mutateString('add-checkpoint', random)}`,
          ]),
        ),
      });
    } else {
      // The right entries for another log, or for another station's origin.
      out.push(
        json(
          random() < 0.5
            ? { ...fresh, origin: station.ledger.origin('pollbook') }
            : { ...fresh, origin: fresh.origin.replace('station-1', 'station-2') },
        ),
      );
    }
  }
  return out;
}

describe('validator under hostile requests', () => {
  it(`refuses ${REQUESTS} malformed, oversized, replayed and unsigned requests without a state change (seed ${SEED})`, async () => {
    console.log(
      `validator fuzz: ${REQUESTS} requests, seed ${SEED} (URNA_VALIDATOR_FUZZ_SEED=${SEED} reproduces this run)`,
    );
    const before = await snapshot();
    const statuses = new Map<number, number>();
    for (const attack of attacks(prng(SEED))) {
      const said = `seed ${SEED}: ${attack.method} ${attack.url} ${attack.payload?.slice(0, 200) ?? ''}`;
      const response = await send(attack).catch((error: unknown) => {
        throw new Error(`${said}: ${String(error)}`);
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      // A mutation that happens to land on the site's root asks for the bulletin-board page: a redirect, not an attack.
      if (attack.method === 'GET' && attack.url === '/' && response.statusCode === 302) continue;
      expect(response.statusCode, said).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${said}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
      if (response.contentType === 'text/x.tlog.size') {
        expect(response.body, said).toMatch(/^\d+\n$/);
      } else {
        const body = JSON.parse(response.body) as { error?: { code: unknown; message: unknown } };
        if (body.error === undefined || typeof body.error.code !== 'string' || typeof body.error.message !== 'string') {
          throw new Error(`${said}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        }
        expect(body.error.code, said).toMatch(/^[a-z-]+$/);
        expect(body.error.message.length, said).toBeGreaterThan(0);
      }
    }
    expect(await snapshot()).toBe(before);
    expect(statuses.size).toBeGreaterThan(4);

    // The honest continuation still goes through.
    const ballots = station.ledger.size('ballots');
    const ok = await server.inject({
      method: 'POST',
      url: '/urna/v1/entries',
      payload: entriesRequest('ballots', ballots - 2, ballots),
    });
    expect(ok.statusCode, ok.body).toBe(200);
  }, 600_000);

  it('limits the rate per client address and the body size, saying why', async () => {
    const validator = election.validators[1];
    if (validator === undefined) throw new Error('validator');
    election.writeConfig(validator, 0, { ratePerSecond: 1, rateBurst: 3, bodyLimit: 2048 });
    await prepareStore(validator);
    const config = readValidatorConfig(validator.configFile);
    if (!config.ok) throw new Error(config.error);
    const prepared = await prepareValidator(config.value, new MemoryEventLogger());
    if (!prepared.ok) throw new Error(prepared.error);
    const limited = buildValidatorServer(prepared.value.service, new MemoryEventLogger(), config.value.httpLimits);
    const tooBig = await limited.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: 'y'.repeat(4096),
      headers: { 'content-type': 'text/plain' },
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json<{ error: { code: string } }>().error.code).toBe('body-too-large');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await limited.inject({ method: 'GET', url: '/urna/v1/health' })).statusCode);
    expect(codes.slice(0, 2)).toEqual([200, 200]);
    const last = await limited.inject({ method: 'GET', url: '/urna/v1/health' });
    expect(last.statusCode).toBe(429);
    expect(last.json<{ error: { code: string } }>().error.code).toBe('rate-limited');
    expect(last.headers['retry-after']).toBeDefined();
    await limited.close();
    await prepared.value.service.store.close();
  });
});
