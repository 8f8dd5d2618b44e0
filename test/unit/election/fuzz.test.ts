/**
 * Mutation fuzzing of the sample election: deleted keys, wrong types, huge strings,
 * duplicate ids, dangling references, stray fields and values moved between fields.
 * Every mutant must come out either as a valid, signable package or as a list of
 * errors that each name a field and say what is wrong in both languages; never a
 * crash, never a hang, and never accepted under the original signature.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseElectionDefinition } from '../../../core/election/definition';
import { isElectionErrorCode } from '../../../core/election/errors';
import {
  readElectionPackage,
  serializeElectionPackage,
  signElectionPackage,
  verifyElectionPackage,
} from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { canonicalize } from '../../../core/encoding/canonical-json';
import { utf8Encode } from '../../../core/encoding/bytes';
import { SIGNATURE_TYPE_ED25519, formatVerifierKey } from '../../../core/ledger/note';
import { authoritySigner, testSampleKeys } from './sample-keys';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const authority = authoritySigner('sample/authority');
const authorityKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);
const made = sampleElectionDefinition(testSampleKeys('sample'));
if (!made.ok) throw new Error('sample invalid');
const original = JSON.parse(JSON.stringify(made.value)) as Json;
const signed = signElectionPackage(made.value, authority);
if (!signed.ok) throw new Error('cannot sign the sample');
const originalSignature = signed.value.authoritySignature;

function allPaths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  for (const [key, child] of children) {
    out.push([...prefix, key]);
    allPaths(child, [...prefix, key], out);
  }
  return out;
}

const PATHS = allPaths(original);
const ID_PATHS = PATHS.filter((p) => p.at(-1) === 'id' && typeof p.at(-2) === 'number');
const REFERENCE_PATHS = PATHS.filter((p) => typeof p.at(-1) === 'number' && String(p.at(-2)).endsWith('Ids'));

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } | undefined {
  let node: Json = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    const next: Json | undefined = Array.isArray(node) ? node[key as number] : node[key as string];
    if (next === undefined) return undefined;
    node = next;
  }
  const key = path.at(-1);
  return key === undefined || node === null || typeof node !== 'object' ? undefined : { parent: node, key };
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  const at = parentOf(root, path);
  if (at === undefined) return;
  const { parent, key } = at;
  if (Array.isArray(parent)) {
    if (typeof key !== 'number' || key >= parent.length) return;
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (parent !== null && typeof parent === 'object') {
    if (value === undefined) delete parent[key as string];
    else parent[key as string] = value;
  }
}

function getAt(root: Json, path: Path): Json | undefined {
  const at = parentOf(root, path);
  if (at === undefined) return undefined;
  return Array.isArray(at.parent) ? at.parent[at.key as number] : (at.parent as Record<string, Json>)[at.key as string];
}

const WRONG_VALUES: Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  '',
  ' ',
  'x',
  [],
  {},
  [1, 2],
  { id: 'x' },
  'write-in-1',
  '__proto__',
];

type Mutation =
  | { kind: 'delete'; path: number }
  | { kind: 'wrong-type'; path: number; value: number }
  | { kind: 'huge-string'; path: number; length: number }
  | { kind: 'duplicate-id'; target: number; source: number }
  | { kind: 'dangling-reference'; path: number; n: number }
  | { kind: 'stray-field'; path: number; name: string }
  | { kind: 'move-value'; from: number; to: number };

const index = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), path: index }),
  fc.record({ kind: fc.constant('wrong-type' as const), path: index, value: index }),
  fc.record({
    kind: fc.constant('huge-string' as const),
    path: index,
    length: fc.constantFrom(5_000, 100_000, 400_000),
  }),
  fc.record({ kind: fc.constant('duplicate-id' as const), target: index, source: index }),
  fc.record({ kind: fc.constant('dangling-reference' as const), path: index, n: index }),
  fc.record({
    kind: fc.constant('stray-field' as const),
    path: index,
    name: fc.constantFrom('extra', '__proto__', 'constructor', 'Id', 'titel'),
  }),
  fc.record({ kind: fc.constant('move-value' as const), from: index, to: index }),
);

function pick<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('invariant failed: empty list');
  return item;
}

function apply(doc: Json, m: Mutation): void {
  switch (m.kind) {
    case 'delete':
      return setAt(doc, pick(PATHS, m.path), undefined);
    case 'wrong-type':
      return setAt(doc, pick(PATHS, m.path), structuredClone(pick(WRONG_VALUES, m.value)));
    case 'huge-string':
      return setAt(doc, pick(PATHS, m.path), 'я'.repeat(m.length));
    case 'duplicate-id':
      return setAt(doc, pick(ID_PATHS, m.target), getAt(doc, pick(ID_PATHS, m.source)) ?? 'x');
    case 'dangling-reference':
      return setAt(doc, pick(REFERENCE_PATHS, m.path), `ghost-${m.n % 1000}`);
    case 'stray-field': {
      const target = getAt(doc, pick(PATHS, m.path));
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.name, { value: 1, enumerable: true, configurable: true, writable: true });
      }
      return;
    }
    case 'move-value':
      return setAt(doc, pick(PATHS, m.to), structuredClone(getAt(doc, pick(PATHS, m.from)) ?? null));
  }
}

describe('mutation fuzzing of the sample election', () => {
  it('yields a valid package or errors that name the field, for 1,200 mutants', () => {
    let valid = 0;
    let refused = 0;
    let slowest = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const doc = structuredClone(original);
        for (const m of mutations) apply(doc, m);
        const started = performance.now();
        const parsed = parseElectionDefinition(doc);
        const underOldSignature = verifyElectionPackage(
          { format: 'urna/election-package/v1', definition: doc, authoritySignature: originalSignature },
          { authorityKey },
        );
        slowest = Math.max(slowest, performance.now() - started);
        if (parsed.ok) {
          valid += 1;
          const resigned = signElectionPackage(parsed.value, authority);
          // A mutant that renamed the authority key cannot be signed by the authority: that is a typed refusal too.
          if (resigned.ok)
            expect(readElectionPackage(utf8Encode(serializeElectionPackage(resigned.value)), { authorityKey }).ok).toBe(
              true,
            );
          else
            expect(
              resigned.error.every((e) => e.code === 'authority-key-mismatch' || e.code === 'bad-authority-key'),
            ).toBe(true);
          const unchanged = canonicalize(parsed.value) === canonicalize(made.value);
          expect(underOldSignature.ok).toBe(unchanged);
        } else {
          refused += 1;
          expect(parsed.error.length).toBeGreaterThan(0);
          for (const error of parsed.error) {
            expect(isElectionErrorCode(error.code)).toBe(true);
            expect(typeof error.path).toBe('string');
            const name = error.path === '' ? 'the file' : error.path;
            expect(error.message.en.startsWith(`${name}: `), error.message.en).toBe(true);
            expect(error.message.ru.length).toBeGreaterThan(error.path.length + 2);
            expect(error.message.en).not.toMatch(/\{\w+\}/);
            expect(error.message.ru).not.toMatch(/\{\w+\}/);
          }
          expect(underOldSignature.ok).toBe(false);
        }
      }),
      { numRuns: 1200, seed: 20260920, endOnFailure: true },
    );
    expect(valid + refused).toBe(1200);
    expect(refused).toBeGreaterThan(600);
    // A generous bound: the point is that no input makes validation blow up.
    expect(slowest).toBeLessThan(2000);
  });
});
