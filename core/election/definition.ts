/**
 * The election definition: everything a station, a validator and a verifier must
 * agree on before the polls open. It is checked with one zod schema; the rules that
 * span several fields (ids unique, references resolve, vote-for fits the choices,
 * thresholds fit their groups) are refinements on that schema, so every problem
 * comes back with the path of the field it concerns.
 */
import { z } from 'zod';
import { AudioManifestShape } from '../audio/manifest';
import { fromBase64Url, toBase64Url } from '../encoding/bytes';
import { GroupElement } from '../ballot/group';
import { MAX_CONTEST_LIMIT } from '../ballot/manifest';
import {
  ID_PATTERN,
  type BallotStyleId,
  type ContestId,
  type ElectionId,
  type PrecinctId,
  type SelectionId,
  type ValidatorName,
} from '../ids';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  describeNoteError,
  isValidKeyName,
  parseVerifierKey,
} from '../ledger/note';
import { err, ok, type Result } from '../result';
import { SPEC_VERSION } from '../spec-version';
import {
  electionError,
  formatPath,
  isElectionErrorCode,
  type ElectionError,
  type ElectionErrorCode,
  type ErrorParams,
} from './errors';

export const ELECTION_DEFINITION_FORMAT = 'urna/election-definition/v1';

export type CandidateId = SelectionId;

/** Write-in lines are selections too; their ids are derived, and reserved. */
export const WRITE_IN_PREFIX = 'write-in-';
export function writeInSelectionId(line: number): SelectionId {
  return `${WRITE_IN_PREFIX}${line}` as SelectionId;
}

// Limits keep a hostile file from costing unbounded time or memory and keep every
// string printable on an 80 mm receipt and readable on the ballot screen.
export const LIMITS = {
  shortText: 200,
  longText: 4000,
  url: 2000,
  verifierKey: 400,
  precincts: 5000,
  ballotStyles: 1000,
  contests: 200,
  candidates: 2000,
  candidatesPerContest: 200,
  writeInLines: 16,
  validators: 64,
  guardians: 64,
  /** Registered voters of one precinct: a large city precinct has a few thousand. */
  votersPerPrecinct: 100_000,
} as const;

// ---------------------------------------------------------------- field schemas

/** A custom problem for zod, carrying our error code and its message parameters. */
type Problem = { code: ElectionErrorCode; params?: ErrorParams; path?: PropertyKey[] };

function addProblem(ctx: z.RefinementCtx, problem: Problem): void {
  ctx.addIssue({
    code: 'custom',
    path: problem.path ?? [],
    message: problem.code,
    params: { code: problem.code, ...problem.params },
  });
}

function text(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => /\S/u.test(s), { params: { code: 'blank-text' } });
}

const ShortText = z.strictObject({ ru: text(LIMITS.shortText), en: text(LIMITS.shortText) });
const LongText = z.strictObject({ ru: text(LIMITS.longText), en: text(LIMITS.longText) });

function id<T extends string>() {
  return z
    .string()
    .refine((s) => ID_PATTERN.test(s), { params: { code: 'bad-id' } })
    .transform((s) => s as T);
}

const CalendarDate = z.iso.date().refine(
  (s) => {
    // z.iso.date() checks the shape; a real calendar also rules out 2025-02-30.
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  },
  { params: { code: 'bad-date' } },
);

function verifierKey(signatureType: number) {
  return z
    .string()
    .max(LIMITS.verifierKey)
    .superRefine((s, ctx) => {
      const parsed = parseVerifierKey(s);
      if (!parsed.ok)
        return addProblem(ctx, { code: 'bad-verifier-key', params: { reason: describeNoteError(parsed.error) } });
      if (parsed.value.signatureType !== signatureType) {
        addProblem(ctx, {
          code: 'wrong-key-type',
          params: { expected: signatureType === SIGNATURE_TYPE_ED25519 ? 'Ed25519 (0x01)' : 'cosignature/v1 (0x04)' },
        });
      }
    });
}

/** Unpadded base64url that decodes and re-encodes to itself, so each value has one spelling. */
function decodeCanonicalBase64Url(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  try {
    const bytes = fromBase64Url(s);
    return toBase64Url(bytes) === s ? bytes : undefined;
  } catch {
    return undefined;
  }
}

const JointPublicKey = z
  .string()
  .max(64)
  .refine(
    (s) => {
      const bytes = decodeCanonicalBase64Url(s);
      // The identity element would make every ciphertext readable: g^r·K^r with K = 1.
      return bytes !== undefined && GroupElement.decode(bytes).ok && bytes.some((b) => b !== 0);
    },
    { params: { code: 'not-a-point' } },
  );

const Sha256Hash = z
  .string()
  .max(64)
  .refine((s) => decodeCanonicalBase64Url(s)?.length === 32, { params: { code: 'bad-hash' } });

const HttpUrl = z
  .string()
  .max(LIMITS.url)
  .pipe(z.url({ protocol: /^https?$/ }));

// ---------------------------------------------------------------- the definition

const Precinct = z.strictObject({
  id: id<PrecinctId>(),
  name: ShortText,
  /**
   * The precinct's voter list for check-in: keyed hashes of voter ids
   * (core/election/pollbook.ts), never the ids. Signed with the package.
   */
  voterList: z.array(Sha256Hash).max(LIMITS.votersPerPrecinct).optional(),
});

const BallotStyle = z.strictObject({
  id: id<BallotStyleId>(),
  /** The precincts whose voters receive this ballot. */
  precinctIds: z.array(id<PrecinctId>()).min(1).max(LIMITS.precincts),
  /** The contests on this ballot, in ballot order. */
  contestIds: z.array(id<ContestId>()).min(1).max(LIMITS.contests),
});

const Candidate = z.strictObject({
  id: id<CandidateId>(),
  name: ShortText,
  /** Party or "self-nominated", as printed under the name. */
  affiliation: ShortText,
});

const CandidateContest = z.strictObject({
  type: z.literal('candidate'),
  id: id<ContestId>(),
  title: ShortText,
  /** The district or office line under the title. */
  subtitle: ShortText,
  voteFor: z.int().min(1).max(MAX_CONTEST_LIMIT),
  writeInLines: z.int().min(0).max(LIMITS.writeInLines),
  /** Candidates in ballot order. */
  candidateIds: z.array(id<CandidateId>()).min(1).max(LIMITS.candidatesPerContest),
});

const MeasureOption = z.strictObject({
  id: id<SelectionId>(),
  label: ShortText,
});

const YesNoContest = z.strictObject({
  type: z.literal('yes-no'),
  id: id<ContestId>(),
  title: ShortText,
  /** The full question as put to the voter. */
  question: LongText,
  yes: MeasureOption,
  no: MeasureOption,
});

const Contest = z.discriminatedUnion('type', [CandidateContest, YesNoContest]);

const Validator = z.strictObject({
  name: z
    .string()
    .max(LIMITS.shortText)
    .refine((s) => isValidKeyName(s), { params: { code: 'bad-format', detail: 'a key name: no spaces and no "+"' } })
    .transform((s) => s as ValidatorName),
  /** Cosignature key (type 0x04) in verifier-key form; its name must equal `name`. */
  verifierKey: verifierKey(SIGNATURE_TYPE_COSIGNATURE_V1),
  url: HttpUrl,
});

const ElectionDefinitionShape = z.strictObject({
  format: z.literal(ELECTION_DEFINITION_FORMAT),
  /** The version of docs/SPEC.md the package and its record follow (core/spec-version.ts). */
  specVersion: z.literal(SPEC_VERSION),
  electionId: id<ElectionId>(),
  title: ShortText,
  /**
   * The language the paper records are counted in (docs/PAPER.md): every paper
   * record prints its choices in it, whatever language the voter used. Absent: ru.
   */
  officialLanguage: z.enum(['ru', 'en']).optional(),
  /** Election day, in the jurisdiction's calendar. */
  date: CalendarDate,
  jurisdiction: z.strictObject({ id: id<string>(), name: ShortText }),
  /** The election commission that signs this package and enrolls the stations. */
  authority: z.strictObject({ name: ShortText, verifierKey: verifierKey(SIGNATURE_TYPE_ED25519) }),
  precincts: z.array(Precinct).min(1).max(LIMITS.precincts),
  ballotStyles: z.array(BallotStyle).min(1).max(LIMITS.ballotStyles),
  contests: z.array(Contest).min(1).max(LIMITS.contests),
  candidates: z.array(Candidate).max(LIMITS.candidates),
  guardians: z.strictObject({
    count: z.int().min(1).max(LIMITS.guardians),
    /** How many guardians must take part to decrypt the totals. */
    threshold: z.int(),
    jointPublicKey: JointPublicKey,
    /** SHA-256 of the public key-ceremony record. */
    ceremonyRecordHash: Sha256Hash,
  }),
  validators: z.strictObject({
    /** How many validators' cosignatures make a checkpoint final. */
    threshold: z.int(),
    members: z.array(Validator).min(1).max(LIMITS.validators),
  }),
  /** The key that signs poll-workers' cards (Ed25519, type 0x01). */
  pollWorkerCardIssuerKey: verifierKey(SIGNATURE_TYPE_ED25519),
  /**
   * Commitment to the poll-book HMAC key the voter lists were made with
   * (core/election/pollbook.ts); the key itself is provisioned to stations, never
   * published. Required when any precinct has a voter list.
   */
  pollBookKeyId: Sha256Hash.optional(),
  /**
   * The fewest cast ballots behind any decrypted total that is published
   * (core/record/publication.ts): a station, or a contest within one, below it is
   * decrypted only merged with others. Absent: 1, every station alone.
   */
  minimumPublishedCount: z.int().min(1).max(1_000_000).optional(),
  /**
   * The audio ballot (core/audio/manifest.ts): every phrase a voter can hear, as
   * clips beside the package named by their SHA-256. Added by `urna election audio`
   * after the key ceremony; the ceremony's base hash leaves it out.
   */
  audio: AudioManifestShape.optional(),
});

export type ElectionDefinition = z.output<typeof ElectionDefinitionShape>;

/** The language the election's paper records are counted in. */
export function officialLanguageOf(definition: ElectionDefinition): 'ru' | 'en' {
  return definition.officialLanguage ?? 'ru';
}
export type Precinct = ElectionDefinition['precincts'][number];
export type BallotStyle = ElectionDefinition['ballotStyles'][number];
export type Candidate = ElectionDefinition['candidates'][number];
export type Contest = ElectionDefinition['contests'][number];
export type CandidateContest = Extract<Contest, { type: 'candidate' }>;
export type YesNoContest = Extract<Contest, { type: 'yes-no' }>;
export type ValidatorEntry = ElectionDefinition['validators']['members'][number];

// ---------------------------------------------------------------- cross references

/** Reports a second use of an id, naming where the first one is. */
function checkUnique(
  ctx: z.RefinementCtx,
  items: readonly { readonly id: string }[],
  base: PropertyKey[],
): Set<string> {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, i);
    else
      addProblem(ctx, {
        code: 'duplicate-id',
        path: [...base, i, 'id'],
        params: { id: item.id, other: formatPath([...base, first, 'id']) },
      });
  });
  return new Set(seen.keys());
}

function checkReferences(
  ctx: z.RefinementCtx,
  ids: readonly string[],
  known: ReadonlySet<string>,
  kind: string,
  base: PropertyKey[],
): void {
  const listed = new Set<string>();
  ids.forEach((ref, i) => {
    if (!known.has(ref)) addProblem(ctx, { code: 'dangling-reference', path: [...base, i], params: { kind, id: ref } });
    if (listed.has(ref)) addProblem(ctx, { code: 'duplicate-reference', path: [...base, i], params: { id: ref } });
    listed.add(ref);
  });
}

function checkCrossReferences(def: ElectionDefinition, ctx: z.RefinementCtx): void {
  const precinctIds = checkUnique(ctx, def.precincts, ['precincts']);
  checkUnique(ctx, def.ballotStyles, ['ballotStyles']);
  const contestIds = checkUnique(ctx, def.contests, ['contests']);
  const candidateIds = checkUnique(ctx, def.candidates, ['candidates']);

  def.candidates.forEach((candidate, i) => {
    if (candidate.id.startsWith(WRITE_IN_PREFIX))
      addProblem(ctx, { code: 'reserved-id', path: ['candidates', i, 'id'], params: { id: candidate.id } });
  });

  const precinctsWithStyle = new Set<string>();
  def.ballotStyles.forEach((style, i) => {
    checkReferences(ctx, style.precinctIds, precinctIds, 'precinct', ['ballotStyles', i, 'precinctIds']);
    checkReferences(ctx, style.contestIds, contestIds, 'contest', ['ballotStyles', i, 'contestIds']);
    for (const p of style.precinctIds) precinctsWithStyle.add(p);
  });
  def.precincts.forEach((precinct, i) => {
    if (precinct.voterList !== undefined) {
      if (def.pollBookKeyId === undefined) addProblem(ctx, { code: 'required', path: ['pollBookKeyId'] });
      const seenHashes = new Set<string>();
      precinct.voterList.forEach((hash, j) => {
        if (seenHashes.has(hash))
          addProblem(ctx, {
            code: 'duplicate-reference',
            path: ['precincts', i, 'voterList', j],
            params: { id: hash },
          });
        seenHashes.add(hash);
      });
    }
    if (!precinctsWithStyle.has(precinct.id)) {
      addProblem(ctx, {
        code: 'precinct-without-ballot-style',
        path: ['precincts', i, 'id'],
        params: { id: precinct.id },
      });
    }
  });

  def.contests.forEach((contest, i) => {
    switch (contest.type) {
      case 'candidate': {
        checkReferences(ctx, contest.candidateIds, candidateIds, 'candidate', ['contests', i, 'candidateIds']);
        const choices = new Set(contest.candidateIds).size + contest.writeInLines;
        if (contest.voteFor > choices) {
          addProblem(ctx, {
            code: 'vote-for-exceeds-choices',
            path: ['contests', i, 'voteFor'],
            params: { voteFor: contest.voteFor, choices },
          });
        }
        break;
      }
      case 'yes-no': {
        for (const side of ['yes', 'no'] as const) {
          const optionId = contest[side].id;
          if (optionId.startsWith(WRITE_IN_PREFIX))
            addProblem(ctx, { code: 'reserved-id', path: ['contests', i, side, 'id'], params: { id: optionId } });
        }
        if (contest.yes.id === contest.no.id) {
          addProblem(ctx, {
            code: 'duplicate-id',
            path: ['contests', i, 'no', 'id'],
            params: { id: contest.no.id, other: formatPath(['contests', i, 'yes', 'id']) },
          });
        }
        break;
      }
    }
  });

  const { guardians, validators } = def;
  if (guardians.threshold < 1 || guardians.threshold > guardians.count) {
    addProblem(ctx, {
      code: 'threshold-out-of-range',
      path: ['guardians', 'threshold'],
      params: { threshold: guardians.threshold, count: guardians.count },
    });
  }
  const n = validators.members.length;
  if (validators.threshold < 1 || validators.threshold > n) {
    addProblem(ctx, {
      code: 'threshold-out-of-range',
      path: ['validators', 'threshold'],
      params: { threshold: validators.threshold, count: n },
    });
  } else if (2 * validators.threshold <= n) {
    // Two conflicting checkpoints must never both reach t of n (docs/SPEC.md §2.1).
    addProblem(ctx, {
      code: 'threshold-not-majority',
      path: ['validators', 'threshold'],
      params: { threshold: validators.threshold, count: n },
    });
  }

  const names = new Map<string, number>();
  const keys = new Map<string, number>();
  validators.members.forEach((member, i) => {
    const firstName = names.get(member.name);
    if (firstName === undefined) names.set(member.name, i);
    else {
      addProblem(ctx, {
        code: 'duplicate-id',
        path: ['validators', 'members', i, 'name'],
        params: { id: member.name, other: formatPath(['validators', 'members', firstName, 'name']) },
      });
    }
    const parsed = parseVerifierKey(member.verifierKey);
    if (!parsed.ok) return; // already reported on the field itself
    if (parsed.value.name !== member.name) {
      addProblem(ctx, {
        code: 'key-name-mismatch',
        path: ['validators', 'members', i, 'verifierKey'],
        params: { keyName: parsed.value.name, name: member.name },
      });
    }
    const material = member.verifierKey.slice(member.verifierKey.lastIndexOf('+') + 1);
    const firstKey = keys.get(material);
    if (firstKey === undefined) keys.set(material, i);
    else {
      addProblem(ctx, {
        code: 'duplicate-key',
        path: ['validators', 'members', i, 'verifierKey'],
        params: { other: formatPath(['validators', 'members', firstKey, 'verifierKey']) },
      });
    }
  });
}

export const ElectionDefinitionSchema = ElectionDefinitionShape.superRefine(checkCrossReferences);

// ---------------------------------------------------------------- zod issues → errors

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function issueToErrors(issue: z.core.$ZodIssue, input: unknown): ElectionError[] {
  const path = formatPath(issue.path);
  const at = (code: ElectionErrorCode, params: ErrorParams = {}) => [electionError(path, code, params)];
  // Whatever zod expected of an absent field (a literal, a type, a union member), the person needs to hear "missing".
  if (issue.code !== 'unrecognized_keys' && issue.code !== 'custom' && !valueAt(input, issue.path).found)
    return at('required');
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(input, issue.path);
      if (issue.expected === 'int' && typeof actual.value === 'number') return at('not-an-integer');
      return at('wrong-type', { expected: issue.expected, received: jsonTypeName(actual.value) });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return at('too-long', { max });
      if (issue.origin === 'array') return at('too-many-items', { max });
      return at('too-large', { max });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return at('too-short');
      if (issue.origin === 'array') return at('too-few-items', { min });
      return at('too-small', { min });
    }
    case 'invalid_format':
      if (issue.format === 'date') return at('bad-date');
      if (issue.format === 'url') return at('bad-url');
      // A pattern's own message says what is expected (hardware/sim/card-set.ts, validator/config.ts); zod's default only shows the pattern.
      if (issue.format === 'regex')
        return at('bad-format', {
          detail: issue.message.startsWith('Invalid string')
            ? `it must match ${String((issue as { pattern?: unknown }).pattern)}`
            : issue.message,
        });
      return at('bad-format', { detail: issue.format });
    case 'invalid_value':
      return at('invalid-value', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
    case 'invalid_union': {
      // Only the contest type discriminator produces this in our schema.
      const options = (issue as { options?: unknown[] }).options ?? [];
      return at('invalid-value', { values: options.map((v) => JSON.stringify(v)).join(', ') });
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => electionError(formatPath([...issue.path, key]), 'unknown-field'));
    case 'custom': {
      const params = (issue.params ?? {}) as Record<string, unknown>;
      const { code, ...rest } = params;
      const messageParams: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(rest))
        if (typeof v === 'string' || typeof v === 'number') messageParams[k] = v;
      return typeof code === 'string' && isElectionErrorCode(code) ? at(code, messageParams) : at('invalid');
    }
    default:
      return at('invalid');
  }
}

/** Validates a parsed JSON value as an election definition. */
export function parseElectionDefinition(input: unknown): Result<ElectionDefinition, ElectionError[]> {
  const parsed = ElectionDefinitionSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return err(zodIssuesToElectionErrors(parsed.error.issues, input));
}

/** Our errors for zod's issues; `input` is consulted to tell a missing field from a mistyped one. */
export function zodIssuesToElectionErrors(issues: readonly z.core.$ZodIssue[], input: unknown): ElectionError[] {
  // Two checks can agree about one field (zod's date shape and our calendar check).
  const seen = new Set<string>();
  return issues
    .flatMap((issue) => issueToErrors(issue, input))
    .filter((e) => {
      const key = `${e.path}\u0000${e.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

// ---------------------------------------------------------------- lookups

export function findBallotStyle(def: ElectionDefinition, ballotStyleId: string): BallotStyle | undefined {
  return def.ballotStyles.find((s) => s.id === ballotStyleId);
}

export function findContest(def: ElectionDefinition, contestId: string): Contest | undefined {
  return def.contests.find((c) => c.id === contestId);
}

/** The ballot styles a voter of this precinct may receive. */
export function ballotStylesForPrecinct(def: ElectionDefinition, precinctId: string): BallotStyle[] {
  return def.ballotStyles.filter((s) => s.precinctIds.includes(precinctId as PrecinctId));
}

/** A contest's selections in ballot order: candidates then write-in lines, or yes then no. */
export function contestSelectionIds(contest: Contest): SelectionId[] {
  switch (contest.type) {
    case 'candidate': {
      const writeIns = Array.from({ length: contest.writeInLines }, (_, i) => writeInSelectionId(i + 1));
      return [...contest.candidateIds, ...writeIns];
    }
    case 'yes-no':
      return [contest.yes.id, contest.no.id];
  }
}

/** How many selections a voter may mark in this contest. */
export function contestLimit(contest: Contest): number {
  return contest.type === 'candidate' ? contest.voteFor : 1;
}
