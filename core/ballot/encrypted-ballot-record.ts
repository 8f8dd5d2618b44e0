/**
 * The encrypted-ballot record, checked and decoded in one hand-written pass: the
 * rules of `encryptedBallotSchema` (records.ts; it stays the published schema and the
 * reference this pass is tested against), then every point and scalar decoded once,
 * each base64url text read once. A validator and a verifier decode every ballot they
 * check, so this pass is on their hot path; zod's generic walk and a second base64
 * round trip for the canonical check cost as much as the decoding itself.
 *
 * It refuses exactly what `encryptedBallotSchema` followed by the decoding refuses,
 * with the same kind of problem: a schema problem wherever the record breaks a rule
 * of the schema (even after an encoding problem earlier in the record), otherwise the
 * first encoding problem in record order. A schema problem names the first field
 * that breaks a rule (zod would list them all).
 */
import type { ContestId, SelectionId } from '../ids';
import { ID_PATTERN } from '../ids';
import { err, ok, type Result } from '../result';
import type { EncryptedBallot, EncryptedContest, EncryptedSelection } from './encrypt';
import { decodeRistretto } from './fast25519';
import { GROUP_ORDER, GroupElement, type Scalar } from './group';
import { BALLOT_ID_PATTERN, type BallotId } from './manifest';
import type { RangeProof } from './proofs';
import type { RecordProblem } from './records';

type EncodingDetail = 'not-a-point' | 'not-a-scalar' | 'not-canonical';

/** base64url character → its 6-bit value, -1 for any other character. */
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));

/** A schema-level refusal (the rule and where it broke), thrown to the boundary of this module only. */
class SchemaProblem extends Error {
  constructor(
    readonly rule: string,
    readonly where: string,
  ) {
    super(rule);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A strict object with exactly the members `keys` names (each present). */
function strictObject(value: unknown, keys: readonly string[], where: string): Record<string, unknown> {
  if (!isObject(value)) throw new SchemaProblem(`Invalid input: expected object, received ${typeName(value)}`, where);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new SchemaProblem(`Unrecognized key: ${JSON.stringify(key)}`, where);
  }
  return value;
}

function array(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value))
    throw new SchemaProblem(`Invalid input: expected array, received ${typeName(value)}`, where);
  return value;
}

function matching(value: unknown, pattern: RegExp, rule: string, where: string): string {
  if (typeof value !== 'string')
    throw new SchemaProblem(`Invalid input: expected string, received ${typeName(value)}`, where);
  if (!pattern.test(value)) throw new SchemaProblem(rule, where);
  return value;
}

/**
 * One pass over a record: the schema's rules everywhere, and the decoding of every
 * point and scalar until the first encoding problem (recorded, not thrown, so that a
 * later schema problem still wins, as it does when the schema runs first).
 */
class BallotRecordReader {
  encoding: { readonly path: string; readonly detail: EncodingDetail } | undefined;

  /** `decode` false: the schema's rules only, no point or scalar decoded (`encryptedBallotSchemaProblem`). */
  constructor(
    private readonly decode: boolean,
    private readonly prefix: string,
  ) {}
  /** Scratch for scalars, whose bytes are not kept. */
  readonly #scalarBytes = new Uint8Array(32);
  readonly #scalarView = new DataView(this.#scalarBytes.buffer);

  /**
   * 43 base64url characters (the schema's rule) into `out`; false when the last
   * character's two spare bits are set, a second spelling of the same bytes.
   */
  #base64Url32(value: unknown, where: string, out: Uint8Array): boolean {
    if (typeof value !== 'string' || value.length !== 43)
      throw new SchemaProblem('expected 32 bytes as unpadded base64url', where);
    let o = 0;
    for (let i = 0; i < 40; i += 4) {
      const a = this.#sextet(value, i, where);
      const b = this.#sextet(value, i + 1, where);
      const c = this.#sextet(value, i + 2, where);
      const d = this.#sextet(value, i + 3, where);
      out[o++] = (a << 2) | (b >> 4);
      out[o++] = ((b & 15) << 4) | (c >> 2);
      out[o++] = ((c & 3) << 6) | d;
    }
    const a = this.#sextet(value, 40, where);
    const b = this.#sextet(value, 41, where);
    const c = this.#sextet(value, 42, where);
    out[30] = (a << 2) | (b >> 4);
    out[31] = ((b & 15) << 4) | (c >> 2);
    return (c & 3) === 0;
  }

  #sextet(text: string, i: number, where: string): number {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (SEXTET[code] as number) : -1;
    if (v < 0) throw new SchemaProblem('expected 32 bytes as unpadded base64url', where);
    return v;
  }

  #problem(path: string, detail: EncodingDetail): void {
    this.encoding ??= { path, detail };
  }

  point(value: unknown, where: string): GroupElement {
    if (!this.decode) {
      this.#base64Url32(value, where, this.#scalarBytes);
      return PLACEHOLDER;
    }
    const bytes = new Uint8Array(32);
    const canonical = this.#base64Url32(value, where, bytes);
    if (this.encoding !== undefined) return PLACEHOLDER;
    if (!canonical) {
      this.#problem(where, 'not-canonical');
      return PLACEHOLDER;
    }
    const point = decodeRistretto(bytes);
    if (point === undefined) {
      this.#problem(where, 'not-a-point');
      return PLACEHOLDER;
    }
    return GroupElement.decoded(point, bytes, value as string);
  }

  scalar(value: unknown, where: string): Scalar {
    const canonical = this.#base64Url32(value, where, this.#scalarBytes);
    if (!this.decode || this.encoding !== undefined) return 0n;
    if (!canonical) {
      this.#problem(where, 'not-canonical');
      return 0n;
    }
    const view = this.#scalarView;
    const s =
      (view.getBigUint64(24, true) << 192n) |
      (view.getBigUint64(16, true) << 128n) |
      (view.getBigUint64(8, true) << 64n) |
      view.getBigUint64(0, true);
    if (s >= GROUP_ORDER) {
      this.#problem(where, 'not-a-scalar');
      return 0n;
    }
    return s;
  }

  rangeProof(value: unknown, where: string): RangeProof {
    const branches = array(value, where).map((item, j) => {
      const at = `${where}[${j}]`;
      const b = strictObject(item, BRANCH_KEYS, at);
      return {
        a: this.point(b['a'], `${at}.a`),
        b: this.point(b['b'], `${at}.b`),
        c: this.scalar(b['c'], `${at}.c`),
        z: this.scalar(b['z'], `${at}.z`),
      };
    });
    return { branches };
  }

  selection(value: unknown, where: string): EncryptedSelection {
    const s = strictObject(value, SELECTION_KEYS, where);
    const selectionId = matching(s['selectionId'], ID_PATTERN, 'expected an id', `${where}.selectionId`);
    const alpha = this.point(s['alpha'], `${where}.alpha`);
    const beta = this.point(s['beta'], `${where}.beta`);
    return {
      selectionId: selectionId as SelectionId,
      ciphertext: { alpha, beta },
      proof: this.rangeProof(s['proof'], `${where}.proof`),
    };
  }

  contest(value: unknown, where: string): EncryptedContest {
    const c = strictObject(value, CONTEST_KEYS, where);
    const contestId = matching(c['contestId'], ID_PATTERN, 'expected an id', `${where}.contestId`);
    const selections = array(c['selections'], `${where}.selections`).map((s, si) =>
      this.selection(s, `${where}.selections[${si}]`),
    );
    return { contestId: contestId as ContestId, selections, proof: this.rangeProof(c['proof'], `${where}.proof`) };
  }

  ballot(value: unknown): EncryptedBallot {
    const at = (member: string) => (this.prefix === '' ? member : `${this.prefix}.${member}`);
    const r = strictObject(value, BALLOT_KEYS, this.prefix);
    if (r['type'] !== 'encrypted-ballot')
      throw new SchemaProblem('Invalid input: expected "encrypted-ballot"', at('type'));
    if (r['v'] !== 1) throw new SchemaProblem('Invalid input: expected 1', at('v'));
    const ballotId = matching(r['ballotId'], BALLOT_ID_PATTERN, 'expected a ballot id', at('ballotId'));
    const contests = array(r['contests'], at('contests')).map((c, ci) => this.contest(c, at(`contests[${ci}]`)));
    return { ballotId: ballotId as BallotId, contests };
  }
}

const BALLOT_KEYS = ['type', 'v', 'ballotId', 'contests'];
const CONTEST_KEYS = ['contestId', 'selections', 'proof'];
const SELECTION_KEYS = ['selectionId', 'alpha', 'beta', 'proof'];
const BRANCH_KEYS = ['a', 'b', 'c', 'z'];

/** Stands in for a point after the first encoding problem: the result is thrown away then. */
const PLACEHOLDER = GroupElement.fromCheckedBytes(new Uint8Array(32));

/** Checks an encrypted-ballot record (`encryptedBallotSchema`) and decodes it; see the module comment. */
export function readEncryptedBallotRecord(json: unknown): Result<EncryptedBallot, RecordProblem> {
  const reader = new BallotRecordReader(true, '');
  let ballot: EncryptedBallot;
  try {
    ballot = reader.ballot(json);
  } catch (error) {
    if (error instanceof SchemaProblem) return err({ problem: 'schema', detail: describeSchemaProblem(error) });
    throw error;
  }
  if (reader.encoding !== undefined) return err({ problem: 'encoding', ...reader.encoding });
  return ok(ballot);
}

/**
 * Whether `json` follows `encryptedBallotSchema`, nothing decoded: undefined, or the
 * first rule it breaks, at its path under `prefix` (a ledger entry's `ballot`).
 */
export function encryptedBallotSchemaProblem(json: unknown, prefix = ''): string | undefined {
  try {
    new BallotRecordReader(false, prefix).ballot(json);
    return undefined;
  } catch (error) {
    if (error instanceof SchemaProblem) return describeSchemaProblem(error);
    throw error;
  }
}

function describeSchemaProblem(problem: SchemaProblem): string {
  return `✖ ${problem.rule}${problem.where ? `\n  → at ${problem.where}` : ''}`;
}
