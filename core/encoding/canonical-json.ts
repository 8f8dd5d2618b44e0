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

function serialiseString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('string holds a lone surrogate', path);
  return JSON.stringify(value);
}

function compareUtf16(a: string, b: string): number {
  // JavaScript string comparison already orders by UTF-16 code units.
  return a < b ? -1 : a > b ? 1 : 0;
}

function serialise(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError('number is not finite', path);
      return JSON.stringify(value);
    case 'string':
      return serialiseString(value, path);
    case 'object': {
      if (seen.has(value)) throw new CanonicalJsonError('value is cyclic', path);
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = `[${value.map((item, i) => serialise(item, `${path}[${i}]`, seen)).join(',')}]`;
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new CanonicalJsonError('only plain objects can be canonicalised', path);
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).sort(compareUtf16);
        const members: string[] = [];
        for (const key of keys) {
          const member = record[key];
          if (member === undefined) throw new CanonicalJsonError(`member "${key}" is undefined`, path);
          members.push(`${serialiseString(key, path)}:${serialise(member, `${path}.${key}`, seen)}`);
        }
        out = `{${members.join(',')}}`;
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} cannot be represented in JSON`, path);
  }
}

/** The canonical JSON text of a value (RFC 8785). */
export function canonicalize(value: unknown): string {
  return serialise(value, '', new Set());
}

/** The canonical JSON of a value as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Bytes {
  return utf8Encode(canonicalize(value));
}
