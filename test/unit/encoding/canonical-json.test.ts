/**
 * RFC 8785 canonical JSON: member order by UTF-16 code units, ECMAScript numbers,
 * and a refusal naming the path of every value JSON cannot carry.
 */
import { describe, expect, it } from 'vitest';
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
});
