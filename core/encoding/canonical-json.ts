/**
 * JSON Canonicalization Scheme (RFC 8785).
 *
 * Object members are sorted by the UTF-16 code units of their names, numbers are
 * serialised as ECMAScript does (RFC 8785 §3.2.2.3 adopts exactly that), strings
 * are escaped as JSON.stringify does. Values that JSON cannot carry (undefined,
 * functions, bigint, NaN, Infinity, lone surrogates) are refused rather than
 * silently dropped, because a silently different encoding would change a hash.
 */
import { utf8Encode, type Bytes } from './bytes';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || '$'}`);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024) where the engine has it: no lone surrogate, without a regular expression. */
const isWellFormed: ((value: string) => boolean) | undefined = (() => {
  const native = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
  return native === undefined ? undefined : (value: string) => native.call(value);
})();

/**
 * Where the value being serialised is: the member names and array indices from the
 * root, kept as a stack and turned into a path only when a value is refused (every
 * canonical hash of a validator and a verifier passes here; building a path string
 * per value cost more than the serialising).
 */
type Where = (string | number)[];

function pathOf(where: Where): string {
  return where.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
}

function serialiseString(value: string, where: Where): string {
  if (isWellFormed === undefined ? LONE_SURROGATE.test(value) : !isWellFormed(value))
    throw new CanonicalJsonError('string holds a lone surrogate', pathOf(where));
  return JSON.stringify(value);
}

function serialise(value: unknown, where: Where, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError('number is not finite', pathOf(where));
      return JSON.stringify(value);
    case 'string':
      return serialiseString(value, where);
    case 'object': {
      if (seen.has(value)) throw new CanonicalJsonError('value is cyclic', pathOf(where));
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = '[';
        for (let i = 0; i < value.length; i++) {
          where.push(i);
          out += i === 0 ? serialise(value[i], where, seen) : `,${serialise(value[i], where, seen)}`;
          where.pop();
        }
        out += ']';
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new CanonicalJsonError('only plain objects can be canonicalised', pathOf(where));
        }
        const record = value as Record<string, unknown>;
        // The default order compares UTF-16 code units, as RFC 8785 asks.
        const keys = Object.keys(record).sort();
        out = '{';
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          const member = record[key];
          if (member === undefined) throw new CanonicalJsonError(`member "${key}" is undefined`, pathOf(where));
          const name = serialiseString(key, where);
          where.push(key);
          out += `${i === 0 ? '' : ','}${name}:${serialise(member, where, seen)}`;
          where.pop();
        }
        out += '}';
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} cannot be represented in JSON`, pathOf(where));
  }
}

/**
 * The canonical JSON text of a value (RFC 8785). Most values handed here are already
 * in canonical shape (parsed from a canonical text, or built with their members in
 * order): when every object's members are in ascending order as the engine keeps them
 * and the value holds only what JSON carries, the engine's JSON.stringify writes
 * exactly the canonical text, many times faster than `serialise`, unless that text has
 * a \u escape (a control character, or a lone surrogate, which is refused): then, and
 * for every other value, `serialise` writes it (or refuses it, naming where).
 */
export function canonicalize(value: unknown): string {
  if (inCanonicalShape(value, 0)) {
    const text = JSON.stringify(value);
    if (!text.includes('\\u')) return text;
  }
  return serialise(value, [], new Set());
}

/** Beyond this depth `inCanonicalShape` gives up (a cyclic value never ends), and `serialise` decides. */
const SHAPE_DEPTH = 64;

/**
 * Null, booleans, strings, finite numbers, arrays of such values and plain objects of
 * them whose member names come, in the order the engine keeps them, strictly
 * ascending by UTF-16 code units, none undefined.
 */
function inCanonicalShape(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= SHAPE_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) if (!inCanonicalShape(item, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      let previous: string | undefined;
      for (const key of Object.keys(value)) {
        if (previous !== undefined && !(previous < key)) return false;
        previous = key;
        if (!inCanonicalShape((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** The canonical JSON of a value as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Bytes {
  return utf8Encode(canonicalize(value));
}
