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
import { clone, type Json, mutations } from '../../support/json-mutations';
import { negativeVectors, referenceRecordFiles } from '../../support/spec-vectors';

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
