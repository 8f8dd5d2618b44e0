/**
 * Log entries: versioned, strictly validated, encoded as RFC 8785 canonical JSON.
 *
 * Every entry has a `type` and a `v` (version); each (type, v) pair has one zod
 * schema and the logs it may appear in. The registry is a value, not a global:
 * later work (ballot entries, poll-book check-ins) defines its entries with
 * {@link defineEntry} and extends {@link stationEntryRegistry} with `.with(...)`.
 * The type names of those entries are reserved here so that they can only ever be
 * registered for their own log.
 *
 * Entries hold no precise time and no voter identity (docs/SPEC.md §4.1): schemas are
 * strict, and field names that look like a clock reading or a voter id are
 * refused when an entry type is defined.
 */
import { z } from 'zod';
import { canonicalBytes, canonicalize } from '../encoding/canonical-json';
import { utf8Decode, type Bytes } from '../encoding/bytes';
import type { LogKind } from '../ids';
import { err, ok, type Result } from '../result';

export const ENTRY_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** Every entry, whatever its type: the envelope fields plus JSON members. */
export type LedgerEntry = { readonly type: string; readonly v: number; readonly [field: string]: unknown };

/** Types reserved for entries that other issues define, and the only log each may live in. */
export const RESERVED_ENTRY_TYPES: Readonly<Record<string, LogKind>> = {
  'ballot-pending': 'ballots',
  'ballot-cast': 'ballots',
  'ballot-challenged': 'ballots',
  'ballot-voided': 'ballots',
  'check-in': 'pollbook',
  'ballot-reissued': 'pollbook',
  'polls-opened': 'ballots',
  'polls-paused': 'ballots',
  'polls-resumed': 'ballots',
  'polls-closed': 'ballots',
  'pollbook-opened': 'pollbook',
  'pollbook-paused': 'pollbook',
  'pollbook-resumed': 'pollbook',
  'pollbook-closed': 'pollbook',
};

const CLOCK_WORDS = new Set(['time', 'timestamp', 'date', 'datetime', 'clock', 'when']);
const IDENTITY_FIELDS = new Set(['voter', 'voterid', 'votername', 'birthdate', 'passport']);

/** camelCase / kebab-case / snake_case field name → lowercase words. */
function fieldWords(field: string): string[] {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

function looksLikeTimeOrIdentity(field: string): boolean {
  const words = fieldWords(field);
  if (words.some((w) => CLOCK_WORDS.has(w))) return true;
  if (words.length > 1 && words[words.length - 1] === 'at') return true; // castAt, openedAt
  return IDENTITY_FIELDS.has(words.join(''));
}

export type EntryDefinition<T extends string = string, V extends number = number, S extends z.ZodType = z.ZodType> = {
  readonly type: T;
  readonly v: V;
  readonly logs: readonly LogKind[];
  readonly schema: S;
  /**
   * The schema's rules written by hand, for the entries a validator and a verifier
   * check by the thousand: undefined for an entry the schema accepts, else the first
   * rule broken and where. Tested to accept exactly what `schema` accepts.
   */
  readonly check?: (entry: Readonly<Record<string, unknown>>) => string | undefined;
};

/**
 * Defines one version of one entry type. The schema is strict (unknown members
 * are refused) and always carries `type` and `v` as literals.
 */
export function defineEntry<const T extends string, const V extends number, const F extends z.ZodRawShape>(definition: {
  readonly type: T;
  readonly v: V;
  readonly logs: readonly LogKind[];
  readonly fields: F;
  readonly check?: (entry: Readonly<Record<string, unknown>>) => string | undefined;
}) {
  const { type, v, logs, fields, check } = definition;
  if (!ENTRY_TYPE_PATTERN.test(type))
    throw new Error(`entry type ${JSON.stringify(type)} does not match ${String(ENTRY_TYPE_PATTERN)}`);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`entry ${type}: version must be a positive integer`);
  if (logs.length === 0) throw new Error(`entry ${type}: name at least one log`);
  const reservedLog = RESERVED_ENTRY_TYPES[type];
  if (reservedLog !== undefined && logs.some((log) => log !== reservedLog)) {
    throw new Error(`entry ${type} belongs to the ${reservedLog} log only`);
  }
  for (const field of Object.keys(fields)) {
    if (field === 'type' || field === 'v') throw new Error(`entry ${type}: "${field}" is part of the envelope`);
    if (looksLikeTimeOrIdentity(field))
      throw new Error(`entry ${type}: field "${field}" looks like a time or a voter identity`);
  }
  const schema = z.strictObject({ type: z.literal(type), v: z.literal(v), ...fields });
  return { type, v, logs, schema, ...(check === undefined ? {} : { check }) } satisfies EntryDefinition<T, V>;
}

/** The TypeScript type of the entries a definition accepts. */
export type EntryOf<D extends EntryDefinition> = z.infer<D['schema']>;

const ballotsCast = z.number().int().min(0);
const checkIns = z.number().int().min(0);
const ballotsReissued = z.number().int().min(0);

/**
 * Station lifecycle, written to each log with that log's own counts, so that the
 * two logs share no counter (core/ledger/station-entries.ts): the ballot log's
 * polls-* entries carry the ballot-cast entries before them, the poll book's
 * pollbook-* entries the check-in and ballot-reissued entries before them.
 * Validators cross-check them all.
 *
 * The poll book's v1 states check-ins only: it comes from before ballots could be
 * reissued, so it stands for zero reissues (core/record/ballot-log-rules.ts). A
 * station writes v2.
 */
export const pollsOpenedEntry = defineEntry({ type: 'polls-opened', v: 1, logs: ['ballots'], fields: { ballotsCast } });
export const pollsPausedEntry = defineEntry({ type: 'polls-paused', v: 1, logs: ['ballots'], fields: { ballotsCast } });
export const pollsResumedEntry = defineEntry({
  type: 'polls-resumed',
  v: 1,
  logs: ['ballots'],
  fields: { ballotsCast },
});
export const pollsClosedEntry = defineEntry({ type: 'polls-closed', v: 1, logs: ['ballots'], fields: { ballotsCast } });
export const pollBookOpenedEntry = defineEntry({
  type: 'pollbook-opened',
  v: 1,
  logs: ['pollbook'],
  fields: { checkIns },
});
export const pollBookPausedEntry = defineEntry({
  type: 'pollbook-paused',
  v: 1,
  logs: ['pollbook'],
  fields: { checkIns },
});
export const pollBookResumedEntry = defineEntry({
  type: 'pollbook-resumed',
  v: 1,
  logs: ['pollbook'],
  fields: { checkIns },
});
export const pollBookClosedEntry = defineEntry({
  type: 'pollbook-closed',
  v: 1,
  logs: ['pollbook'],
  fields: { checkIns },
});
export const pollBookOpenedEntryV2 = defineEntry({
  type: 'pollbook-opened',
  v: 2,
  logs: ['pollbook'],
  fields: { checkIns, ballotsReissued },
});
export const pollBookPausedEntryV2 = defineEntry({
  type: 'pollbook-paused',
  v: 2,
  logs: ['pollbook'],
  fields: { checkIns, ballotsReissued },
});
export const pollBookResumedEntryV2 = defineEntry({
  type: 'pollbook-resumed',
  v: 2,
  logs: ['pollbook'],
  fields: { checkIns, ballotsReissued },
});
export const pollBookClosedEntryV2 = defineEntry({
  type: 'pollbook-closed',
  v: 2,
  logs: ['pollbook'],
  fields: { checkIns, ballotsReissued },
});

/** Which lifecycle step an entry of either log records (polls-opened and pollbook-opened are both 'opened'). */
export type LifecycleStep = 'opened' | 'paused' | 'resumed' | 'closed';

export function lifecycleStepOf(entryType: string): LifecycleStep | undefined {
  const match = /^(?:polls|pollbook)-(opened|paused|resumed|closed)$/.exec(entryType);
  return match === null ? undefined : (match[1] as LifecycleStep);
}

/** Synthetic entries for `urna log demo` and benchmarks; validators refuse them in a real election. */
export const demoNoteEntry = defineEntry({
  type: 'demo-note',
  v: 1,
  logs: ['ballots', 'pollbook'],
  fields: { seq: z.number().int().min(0), text: z.string().max(1000) },
});

export type PollsOpenedEntry = EntryOf<typeof pollsOpenedEntry>;
export type PollsPausedEntry = EntryOf<typeof pollsPausedEntry>;
export type PollsResumedEntry = EntryOf<typeof pollsResumedEntry>;
export type PollsClosedEntry = EntryOf<typeof pollsClosedEntry>;
export type DemoNoteEntry = EntryOf<typeof demoNoteEntry>;
export type LifecycleEntry = PollsOpenedEntry | PollsPausedEntry | PollsResumedEntry | PollsClosedEntry;
export type PollBookLifecycleEntry =
  | EntryOf<typeof pollBookOpenedEntry>
  | EntryOf<typeof pollBookPausedEntry>
  | EntryOf<typeof pollBookResumedEntry>
  | EntryOf<typeof pollBookClosedEntry>
  | EntryOf<typeof pollBookOpenedEntryV2>
  | EntryOf<typeof pollBookPausedEntryV2>
  | EntryOf<typeof pollBookResumedEntryV2>
  | EntryOf<typeof pollBookClosedEntryV2>;

export type EntryError =
  | { readonly kind: 'not-utf8' }
  | { readonly kind: 'not-json'; readonly reason: string }
  | { readonly kind: 'not-canonical' }
  | { readonly kind: 'bad-envelope'; readonly reason: string }
  | { readonly kind: 'unknown-type'; readonly type: string; readonly v: number }
  | { readonly kind: 'wrong-log'; readonly type: string; readonly log: LogKind }
  | { readonly kind: 'invalid-fields'; readonly type: string; readonly v: number; readonly issues: string };

export function describeEntryError(error: EntryError): string {
  switch (error.kind) {
    case 'not-utf8':
      return 'entry is not valid UTF-8';
    case 'not-json':
      return `entry is not JSON: ${error.reason}`;
    case 'not-canonical':
      return 'entry is not canonical JSON (RFC 8785)';
    case 'bad-envelope':
      return `entry envelope: ${error.reason}`;
    case 'unknown-type':
      return `unknown entry type ${error.type} v${error.v}`;
    case 'wrong-log':
      return `entry type ${error.type} does not belong in the ${error.log} log`;
    case 'invalid-fields':
      return `entry ${error.type} v${error.v}: ${error.issues}`;
  }
}

const envelopeSchema = z.looseObject({
  type: z.string().regex(ENTRY_TYPE_PATTERN),
  v: z.number().int().min(1),
});

/** Checks only what every entry shares: a plain object with a well-formed type and version. */
export function checkEnvelope(value: unknown): Result<LedgerEntry, EntryError> {
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) return err({ kind: 'bad-envelope', reason: z.prettifyError(parsed.error) });
  return ok(parsed.data as LedgerEntry);
}

/** The envelope of an ordinary entry, checked by hand (what `envelopeSchema` accepts); undefined: ask the schema. */
function plainEnvelope(value: unknown): Result<LedgerEntry, EntryError> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { type, v } = value as { type?: unknown; v?: unknown };
  if (typeof type !== 'string' || !ENTRY_TYPE_PATTERN.test(type) || !Number.isSafeInteger(v) || (v as number) < 1)
    return undefined;
  return ok(value as LedgerEntry);
}

function keyOf(type: string, v: number): string {
  return `${type}@${v}`;
}

export class EntryRegistry {
  private readonly definitions = new Map<string, EntryDefinition>();

  constructor(definitions: readonly EntryDefinition[]) {
    for (const definition of definitions) {
      const key = keyOf(definition.type, definition.v);
      if (this.definitions.has(key)) throw new Error(`entry ${definition.type} v${definition.v} is defined twice`);
      this.definitions.set(key, definition);
    }
  }

  /** A new registry that also knows `more`. */
  with(...more: readonly EntryDefinition[]): EntryRegistry {
    return new EntryRegistry([...this.definitions.values(), ...more]);
  }

  has(type: string, v: number): boolean {
    return this.definitions.has(keyOf(type, v));
  }

  /** Validates a decoded value as an entry of `log`. */
  validate(log: LogKind, value: unknown): Result<LedgerEntry, EntryError> {
    const envelope = plainEnvelope(value) ?? checkEnvelope(value);
    if (!envelope.ok) return envelope;
    const { type, v } = envelope.value;
    const definition = this.definitions.get(keyOf(type, v));
    if (definition === undefined) return err({ kind: 'unknown-type', type, v });
    if (!definition.logs.includes(log)) return err({ kind: 'wrong-log', type, log });
    if (definition.check !== undefined) {
      const issue = definition.check(envelope.value);
      return issue === undefined ? ok(envelope.value) : err({ kind: 'invalid-fields', type, v, issues: issue });
    }
    const parsed = definition.schema.safeParse(value);
    if (!parsed.success) return err({ kind: 'invalid-fields', type, v, issues: z.prettifyError(parsed.error) });
    return ok(value as LedgerEntry);
  }

  /** Decodes stored or received entry bytes: UTF-8, JSON, canonical form, then the schema. */
  decode(log: LogKind, data: string | Bytes): Result<LedgerEntry, EntryError> {
    const value = decodeCanonicalJson(data);
    if (!value.ok) return value;
    return this.validate(log, value.value);
  }
}

/** Parses JSON and insists that it is already in canonical form, so its hash is unambiguous. */
export function decodeCanonicalJson(data: string | Bytes): Result<unknown, EntryError> {
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else {
    try {
      text = utf8Decode(data);
    } catch {
      return err({ kind: 'not-utf8' });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return err({ kind: 'not-json', reason: error instanceof Error ? error.message : String(error) });
  }
  let canonical: string;
  try {
    canonical = canonicalize(value);
  } catch {
    return err({ kind: 'not-canonical' });
  }
  return canonical === text ? ok(value) : err({ kind: 'not-canonical' });
}

/** The bytes that go into the log (and into the leaf hash). */
export function encodeEntry(entry: LedgerEntry): Bytes {
  return canonicalBytes(entry);
}

export function encodeEntryText(entry: LedgerEntry): string {
  return canonicalize(entry);
}

/** The polls lifecycle of both logs, in every version a station may have written. */
export const lifecycleEntryDefinitions: readonly EntryDefinition[] = [
  pollsOpenedEntry,
  pollsPausedEntry,
  pollsResumedEntry,
  pollsClosedEntry,
  pollBookOpenedEntry,
  pollBookPausedEntry,
  pollBookResumedEntry,
  pollBookClosedEntry,
  pollBookOpenedEntryV2,
  pollBookPausedEntryV2,
  pollBookResumedEntryV2,
  pollBookClosedEntryV2,
];

/** What a station log accepts before the ballot and poll-book issues extend it. */
export const baseEntryDefinitions: readonly EntryDefinition[] = [...lifecycleEntryDefinitions, demoNoteEntry];

export const stationEntryRegistry = new EntryRegistry(baseEntryDefinitions);
