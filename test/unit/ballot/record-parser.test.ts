/**
 * The hand-written encrypted-ballot reader (core/ballot/encrypted-ballot-record.ts)
 * against the reference it replaced on the hot path: `encryptedBallotSchema` (zod)
 * followed by decoding. On every ballot of the known-answer vectors, the reference
 * record and the negative vectors, and on systematic mutations of them (every member
 * removed, retyped, renamed, every base64url text respelled, points and scalars made
 * invalid), both must accept the same records and refuse the others with the same
 * kind of problem, the same encoding path and detail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  encryptedBallotToRecord,
  parseEncryptedBallot,
  parseEncryptedBallotWithSchema,
  recordToCanonicalJson,
} from '../../../core/ballot';
import { negativeVectors, referenceRecordFiles } from '../../support/spec-vectors';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every `ballot` member of every JSON line of `text`. */
function ballotsIn(text: string): Json[] {
  const out: Json[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const ballot = (value as { ballot?: Json; record?: Json }).ballot;
    if (ballot !== undefined) out.push(ballot);
    const record = (value as { record?: { type?: string } }).record;
    if (record?.type === 'encrypted-ballot') out.push(record);
  }
  return out;
}

function corpus(): Json[] {
  const texts = [
    readFileSync('test/vectors/ballot-kat.jsonl', 'utf8'),
    ...[...referenceRecordFiles()].filter(([file]) => file.endsWith('.jsonl')).map(([, text]) => text),
    ...negativeVectors().flatMap((v) => v.changes.flatMap((c) => (c.content === undefined ? [] : [c.content]))),
  ];
  return texts.flatMap(ballotsIn);
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** A base64url text changed so that it still has 43 characters: spare bits set, a char outside the alphabet, … */
const RESPELLINGS: ((text: string) => Json)[] = [
  (t) => `${t.slice(0, 42)}${t.endsWith('B') ? 'C' : 'B'}`, // spare bits: not canonical
  (t) => `${t.slice(0, 42)}A`,
  (t) => `A${t.slice(1)}`, // low bit of s set for points: not canonical / another scalar
  (t) => `${t.slice(0, 41)}_8`, // top byte 0xff…: not a point, scalar above L
  () => `7${'_'.repeat(41)}8`, // s ≥ p
  () => 'A'.repeat(43), // zero: the identity, scalar 0
  (t) => `${t.slice(0, 10)}+${t.slice(11)}`, // standard alphabet
  (t) => `${t.slice(0, 10)}=${t.slice(11)}`,
  (t) => `${t.slice(0, 20)}é${t.slice(21)}`,
  (t) => t.slice(1),
  (t) => `${t}A`,
  (t) => `${t}=`,
  (t) => `${t.slice(0, 42)}\n`,
];
const RETYPINGS: Json[] = [null, 1, 1.5, true, 'x', [], {}, ['a'], { a: 1 }];

/** Every record one change away from `record`, at every node. */
function mutations(record: Json): Json[] {
  const out: Json[] = [];
  const visit = (node: Json, replace: (value: Json | undefined) => Json): void => {
    for (const v of RETYPINGS) out.push(replace(v));
    if (typeof node === 'string') {
      if (node.length === 43) for (const respell of RESPELLINGS) out.push(replace(respell(node)));
      out.push(replace(`${node}-`), replace(node.toUpperCase()), replace(''));
      return;
    }
    if (Array.isArray(node)) {
      out.push(replace([...node, node[0] ?? null]), replace(node.slice(1)));
      node.forEach((child, i) =>
        visit(child, (value) => replace(node.map((c, j) => (j === i ? value : c)).filter((c) => c !== undefined))),
      );
      return;
    }
    if (node !== null && typeof node === 'object') {
      out.push(replace({ ...node, extra: 1 }), replace({ ...node, __proto__: 1 }));
      for (const key of Object.keys(node)) {
        const { [key]: removed, ...rest } = node;
        out.push(replace(rest), replace({ ...rest, [`${key}X`]: removed ?? null }));
        visit(node[key] as Json, (value) => replace(value === undefined ? rest : { ...node, [key]: value }));
      }
    }
  };
  visit(record, (value) => (value === undefined ? null : clone(value)));
  return out;
}

function outcome(result: ReturnType<typeof parseEncryptedBallot>): unknown {
  if (result.ok) return { ok: recordToCanonicalJson(encryptedBallotToRecord(result.value)) };
  return result.error.problem === 'schema' ? { problem: 'schema' } : result.error;
}

describe('the hand-written encrypted-ballot reader', () => {
  const ballots = corpus();

  it('finds valid and refused ballots in the vectors', () => {
    const results = ballots.map((b) => parseEncryptedBallotWithSchema(b));
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(20);
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(0);
  });

  it('accepts and refuses every ballot of the vectors exactly as schema + decoding do', () => {
    for (const ballot of ballots)
      expect(outcome(parseEncryptedBallot(ballot))).toEqual(outcome(parseEncryptedBallotWithSchema(ballot)));
  });

  it('agrees on every one-change mutation of the vectors’ ballots', () => {
    // One ballot per distinct shape keeps the run short; each has thousands of mutations.
    const shapes = new Map<string, Json>();
    for (const b of ballots)
      shapes.set(
        JSON.stringify(b, (k, v: unknown) => (typeof v === 'string' ? '' : v)),
        b,
      );
    let compared = 0;
    let refused = 0;
    for (const base of [...shapes.values()].slice(0, 4)) {
      for (const mutated of mutations(base)) {
        const reference = outcome(parseEncryptedBallotWithSchema(mutated));
        expect(outcome(parseEncryptedBallot(mutated)), JSON.stringify(mutated).slice(0, 300)).toEqual(reference);
        compared += 1;
        if (!('ok' in (reference as object))) refused += 1;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(compared / 2);
  });

  it('names the field in a schema problem', () => {
    const [ballot] = ballots;
    const mutated = clone(ballot as Json) as { contests: { selections: { selectionId: Json }[] }[] };
    (mutated.contests[0] as { selections: { selectionId: Json }[] }).selections[1] = {
      ...(mutated.contests[0]?.selections[1] as object),
      selectionId: 'Not An Id',
    };
    expect(parseEncryptedBallot(mutated)).toMatchObject({
      ok: false,
      error: { problem: 'schema', detail: expect.stringContaining('contests[0].selections[1].selectionId') as unknown },
    });
  });
});
