/**
 * Fuzzing the station API as a compromised renderer would: for every method of
 * the typed API, 10,000 malformed argument objects go through
 * `dispatchStationCall` (the function both Electron IPC and the test bridge end
 * in) on a real station with the signed sample election, polls open and a voter
 * session in progress. Every call must come back as a clear `invalid-argument`
 * error naming the method, no handler may run, the full station status, the
 * voter screen and both ledger sizes must be exactly as before, and
 * Object.prototype must be untouched. Then 10,000 calls to methods that do not
 * exist. URNA_API_FUZZ sets the count; the seed is printed.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATION_API_METHODS, stationApiSpec, type StationApiMethod } from '../../../core/api/station-api';
import { dispatchStationCall, type StationApiHandlers } from '../../../main/api/dispatch';
import { MemoryPrinter } from '../../support/memory-printer';
import { startTestStation, type TestStation, POLL_WORKER } from '../../support/station';
import { activateVoterSession } from '../../../main/station/check-in';
import { openPolls } from '../../../main/station/polls';

const CALLS_PER_METHOD = Number(process.env['URNA_API_FUZZ'] ?? 10_000);
const SEED = Number(process.env['URNA_API_FUZZ_SEED'] ?? 20_261_012);
/** A refusal message is for logs and developers: bounded, whatever the input was. */
const MAX_MESSAGE = 4_096;

let station: TestStation;
let handlerCalls: string[];
let handlers: StationApiHandlers;

beforeAll(async () => {
  process.stdout.write(`station API fuzz: ${CALLS_PER_METHOD} malformed calls per method, seed ${SEED}\n`);
  station = startTestStation({ stationId: 'st-fuzz-01', sampleElection: true, ballotPrinter: new MemoryPrinter() });
  const opened = await openPolls(station.context, POLL_WORKER);
  if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
  const session = activateVoterSession(station.context, { ballotStyleId: 'style-district-1' });
  if (!session.ok) throw new Error(`no voter session: ${session.error.kind}`);
  handlerCalls = [];
  // Every handler records that it ran: a malformed call must never reach one.
  handlers = new Proxy(station.handlers, {
    get(target, name, receiver) {
      const real: unknown = Reflect.get(target, name, receiver);
      if (typeof real !== 'function') return real;
      return (...args: unknown[]) => {
        handlerCalls.push(String(name));
        return (real as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
});

afterAll(async () => {
  await station?.close();
});

/** Everything the renderer or a poll worker could observe, plus what is on disk. */
function snapshot(): string {
  return JSON.stringify({
    status: station.service.status(),
    voter: station.service.voterScreen(),
    ballots: station.ledger.size('ballots'),
    pollbook: station.ledger.size('pollbook'),
  });
}

const hostileValues: readonly unknown[] = [
  undefined,
  null,
  0,
  -0,
  NaN,
  Infinity,
  '',
  'x'.repeat(1_000_000),
  [],
  [{}],
  true,
  10n,
  Symbol('s'),
  () => ({}),
  new Date(0),
  new Map([['a', 1]]),
  new Uint8Array(16),
  Object.create(null) as unknown,
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  { ['k'.repeat(200_000)]: 1 },
  Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`key${i}`, i])),
  nested(2_000),
];

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value, marks: value };
  return value;
}

/** The field names of a method's argument object, so mutations hit real keys. */
function fieldsOf(method: StationApiMethod): string[] {
  const schema = stationApiSpec[method].input as z.ZodType;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Well-formed arguments for the methods whose shape a mutation should stay close to. */
const VALID_EXAMPLES: Partial<Record<StationApiMethod, Record<string, unknown>>> = {
  setDisplaySettings: { language: 'en', textSize: 2, highContrast: true },
  commitBallot: {
    marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} },
    undervoteAcknowledged: true,
  },
};

function malformedArguments(method: StationApiMethod): fc.Arbitrary<unknown> {
  const fields = fieldsOf(method);
  const anything = fc.anything({
    maxDepth: 3,
    maxKeys: 6,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
  });
  const key =
    fields.length > 0
      ? fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 12 }))
      : fc.string({ maxLength: 12 });
  const arbitraries: fc.Arbitrary<unknown>[] = [
    anything,
    fc.jsonValue({ maxDepth: 4 }),
    fc.constantFrom(...hostileValues),
    // Real field names with values of any type, sometimes with a stranger key.
    fc.dictionary(key, anything, { maxKeys: 5 }),
    fc
      .record({ extra: fc.string({ minLength: 1, maxLength: 8 }), value: anything })
      .map(({ extra, value }) => ({ ...(VALID_EXAMPLES[method] ?? {}), [`_${extra}`]: value })),
  ];
  const example = VALID_EXAMPLES[method];
  if (example !== undefined) {
    // One field of a well-formed call replaced, or one level down replaced.
    arbitraries.push(
      fc
        .record({
          field: fc.constantFrom(...Object.keys(example)),
          value: fc.oneof(anything, fc.constantFrom(...hostileValues)),
        })
        .map(({ field, value }) => ({ ...example, [field]: value })),
      fc
        .record({
          path: fc.constantFrom('selections', 'writeIns'),
          key: fc.string({ maxLength: 300 }),
          value: anything,
        })
        .map(({ path, key, value }) => ({
          ...example,
          marks: { selections: {}, writeIns: {}, [path]: { [key]: value } },
        })),
      fc.array(fc.string({ maxLength: 40 }), { minLength: 65, maxLength: 80 }).map((many) => ({
        ...example,
        marks: { selections: { 'charter-amendment': many }, writeIns: {} },
      })),
    );
  }
  return fc.oneof(...arbitraries);
}

function accepts(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success;
  } catch {
    // zod throws on a few structured-clone values (see main/api/dispatch.ts): malformed.
    return false;
  }
}

/** Exactly `count` argument values the method's schema refuses. */
function malformedCalls(method: StationApiMethod, count: number): unknown[] {
  const schema = stationApiSpec[method].input as z.ZodType;
  const out: unknown[] = [];
  let round = 0;
  while (out.length < count) {
    const batch = fc.sample(malformedArguments(method), {
      numRuns: count,
      seed: SEED + round++ * 7_919 + method.length,
    });
    for (const value of batch) {
      if (out.length < count && !accepts(schema, value)) out.push(value);
    }
    if (round > 20) throw new Error(`${method}: the generator hardly makes malformed arguments`);
  }
  return out;
}

const prototypeKeys = () => JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort());

describe(`fuzz: ${CALLS_PER_METHOD} malformed calls per station API method`, () => {
  it.each(STATION_API_METHODS)(
    '%s: every call is a clear invalid-argument error and nothing changes',
    async (method) => {
      const before = snapshot();
      const protoBefore = prototypeKeys();
      handlerCalls.length = 0;
      station.logger.events.length = 0;
      const calls = malformedCalls(method, CALLS_PER_METHOD);
      let longest = 0;
      for (const args of calls) {
        const result = await dispatchStationCall(handlers, station.logger, method, args, { origin: 'fuzz' });
        if (result.ok) throw new Error(`${method} accepted ${show(args)}`);
        const { error } = result;
        if (error.code !== 'invalid-argument' || !error.message.startsWith(`${method}: `) || !error.issues?.length) {
          throw new Error(`${method}: unclear refusal ${JSON.stringify(error).slice(0, 300)} for ${show(args)}`);
        }
        for (const issue of error.issues) {
          if (typeof issue.path !== 'string' || typeof issue.message !== 'string' || issue.message.length === 0)
            throw new Error(`${method}: issue without path or message`);
        }
        longest = Math.max(longest, error.message.length);
      }
      expect(handlerCalls).toEqual([]);
      expect(snapshot()).toEqual(before);
      expect(prototypeKeys()).toEqual(protoBefore);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      // One log line per refused call, each the stable refusal event.
      expect(station.logger.events).toHaveLength(CALLS_PER_METHOD);
      expect(station.logger.events.every((e) => e.eventId === 'api.call-rejected')).toBe(true);
      expect(longest, 'longest refusal message').toBeLessThanOrEqual(MAX_MESSAGE);
    },
  );

  it('two findings of this fuzzer stay fixed: a typed array in the marks, a 200,000-character key', async () => {
    station.logger.events.length = 0;
    const typedArray = await dispatchStationCall(
      handlers,
      station.logger,
      'commitBallot',
      {
        marks: { selections: { 'charter-amendment': new Uint8Array([1, 2]) }, writeIns: {} },
        undervoteAcknowledged: true,
      },
      { origin: 'fuzz' },
    );
    expect(typedArray).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const longKey = await dispatchStationCall(
      handlers,
      station.logger,
      'castBallot',
      { ['k'.repeat(200_000)]: 1 },
      { origin: 'fuzz' },
    );
    expect(longKey).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!longKey.ok) expect(longKey.error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(JSON.stringify(station.logger.events).length).toBeLessThan(2 * MAX_MESSAGE);
  });

  it(`${CALLS_PER_METHOD} calls to methods that do not exist are refused as unknown-method`, async () => {
    const before = snapshot();
    handlerCalls.length = 0;
    station.logger.events.length = 0;
    const names = fc.sample(
      fc
        .oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(
            '__proto__',
            'constructor',
            'toString',
            'hasOwnProperty',
            'valueOf',
            '__defineGetter__',
            'then',
          ),
          fc.anything({ maxDepth: 1 }),
          fc.constantFrom(...STATION_API_METHODS).map((m) => `${m} `),
          fc.constantFrom(...STATION_API_METHODS).map((m) => m.toUpperCase()),
        )
        .filter((name) => !(STATION_API_METHODS as readonly unknown[]).includes(name)),
      { numRuns: CALLS_PER_METHOD, seed: SEED },
    );
    for (const name of names) {
      const result = await dispatchStationCall(handlers, station.logger, name, {}, { origin: 'fuzz' });
      if (result.ok || result.error.code !== 'unknown-method')
        throw new Error(`method name ${show(name)} was not refused as unknown`);
    }
    expect(handlerCalls).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(station.logger.events).toHaveLength(CALLS_PER_METHOD);
  });
});

function show(value: unknown): string {
  try {
    return fc.stringify(value).slice(0, 300);
  } catch {
    return typeof value;
  }
}
