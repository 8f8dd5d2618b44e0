/**
 * RFC 8785 canonical JSON: member order by UTF-16 code units, ECMAScript numbers,
 * and a refusal naming the path of every value JSON cannot carry.
 */
import { describe, expect, it } from 'vitest';
import { deterministicRandom } from '../../../core/ballot';
import { canonicalize } from '../../../core/encoding/canonical-json';

describe('canonicalize', () => {
  it('sorts members by UTF-16 code units at every depth and writes numbers as ECMAScript does', () => {
    expect(canonicalize({ b: [3, { d: 1e21, c: -0 }], a: 'x', '\u20ac': 1, '\ud83d\ude00': 2, '\u0080': true })).toBe(
      '{"a":"x","b":[3,{"c":0,"d":1e+21}],"\u0080":true,"\u20ac":1,"\ud83d\ude00":2}',
    );
    expect(canonicalize([null, false, 'é\n"', 0.1, 1e-7, []])).toBe('[null,false,"é\\n\\"",0.1,1e-7,[]]');
  });

  it('gives JSON.parse back its canonical input unchanged', () => {
    const text = '{"a":[{"b":"c","d":[1,2,{"e":null}]}],"f":"\\u0001"}';
    expect(canonicalize(JSON.parse(text))).toBe(text);
  });

  it.each([
    [{ a: [1, { b: Number.NaN }] }, 'number is not finite at .a[1].b'],
    [{ a: ['ok', 'x\ud800'] }, 'string holds a lone surrogate at .a[1]'],
    [{ a: { ['k\udc00']: 1 } }, 'string holds a lone surrogate at .a'],
    [[{ a: undefined }], 'member "a" is undefined at [0]'],
    [{ a: [new Date(0)] }, 'only plain objects can be canonicalised at .a[0]'],
    [[1n], 'bigint cannot be represented in JSON at [0]'],
    [Number.POSITIVE_INFINITY, 'number is not finite at $'],
  ])('refuses a value naming where: %#', (value, message) => {
    expect(() => canonicalize(value)).toThrow(message);
  });

  it('refuses a cyclic value', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = [cyclic];
    expect(() => canonicalize(cyclic)).toThrow('value is cyclic at .self[0]');
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('writes what a plain sort-and-stringify reference writes, and refuses the same, on tricky and random values', () => {
    // RFC 8785 by the letter: members sorted by UTF-16 code units, numbers and strings as
    // ECMAScript writes them, lone surrogates and what JSON cannot carry refused.
    const reference = (value: unknown): string => {
      if (value === undefined) throw new Error('undefined');
      if (typeof value === 'string') {
        if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value))
          throw new Error('lone surrogate');
        return JSON.stringify(value);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not finite');
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const record = value as Record<string, unknown>;
      return `{${Object.keys(record)
        .sort()
        .map((k) => `${reference(k)}:${reference(record[k])}`)
        .join(',')}}`;
    };
    const expectSame = (value: unknown, what: string): boolean => {
      let expected: string | undefined;
      try {
        expected = reference(value);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) expect(() => canonicalize(value), what).toThrow();
      else expect(canonicalize(value), what).toBe(expected);
      return expected !== undefined;
    };
    const tricky = [
      '{"a":1,"b":2}',
      '{"b":2,"a":1}',
      '{"a":1,"a":2}',
      '{"1":true,"b":false}',
      '{"10":1,"9":2}',
      '{"9":1,"10":2}',
      '{"b":1,"10":2}',
      '[-0]',
      '[1e21]',
      '[1.0]',
      '[1e400]',
      '["\\ud800"]',
      '{"\\udc00":1}',
      '["\\ud83d\\ude00"]',
      '["\ud83d\ude00"]',
      '["\\u0001"]',
      '{"\\u0001":1,"a":2}',
      '["\\u00e9"]',
      '["a\\\\u0041"]',
      '["\\/"]',
      '{"__proto__":1,"a":2}',
      '{"a":{"c":1,"b":2}}',
      '{"\u20ac":1,"\u0080":2}',
      '[]',
      '{}',
      'null',
      '"x"',
    ];
    for (const text of tricky) {
      const value: unknown = JSON.parse(text);
      expectSame(value, text);
      // decodeCanonicalJson's test: canonical exactly when canonicalize gives the text back.
      let canonical = false;
      try {
        canonical = reference(value) === text;
      } catch {
        canonical = false;
      }
      let written: string | undefined;
      try {
        written = canonicalize(value);
      } catch {
        written = undefined;
      }
      expect(written === text, `${text} canonical`).toBe(canonical);
    }
    const random = deterministicRandom('canonical-shape');
    const pick = (n: number): number => (random(1)[0] as number) % n;
    const names = ['a', 'b', 'B', '10', '9', '\u00e9', 'a\u0000', 'zz', '\ud83d\ude00', '\u20ac', '\ud800'];
    const make = (depth: number): unknown => {
      switch (pick(depth > 3 ? 4 : 6)) {
        case 0:
          return [0, -0, 1.5, 1e21, 1e-7, 123456789012345680000, Number.NaN][pick(7)];
        case 1:
          return ['', 'x', '"\\', '\u0001', '\ud800', 'é\n', '\\u0041'][pick(7)];
        case 2:
          return [null, true, false, undefined][pick(4)];
        case 3:
          return pick(2) === 0 ? 7 : 'y';
        case 4:
          return Array.from({ length: pick(4) }, () => make(depth + 1));
        default: {
          const out: Record<string, unknown> = {};
          for (let i = pick(5); i > 0; i--) out[names[pick(names.length)] as string] = make(depth + 1);
          // Half of them already in canonical order, as parsed canonical entries are.
          if (pick(2) === 0) return out;
          return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        }
      }
    };
    let written = 0;
    for (let i = 0; i < 3000; i++) if (expectSame(make(0), `random value ${i}`)) written += 1;
    expect(written).toBeGreaterThan(1000);
  });
});
