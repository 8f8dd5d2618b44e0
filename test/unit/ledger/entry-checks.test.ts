/**
 * The entries a validator and a verifier read by the thousand (ballot-pending,
 * ballot-cast) are checked by hand-written rules (`check` in station-entries.ts), not
 * by their zod schema. On every such entry of the reference record and the negative
 * vectors, and on every one-change mutation of one of each, the registry must accept
 * exactly what the schema accepts, and refuse the rest as invalid fields naming where.
 */
import { describe, expect, it } from 'vitest';
import { electionEntryRegistry } from '../../../core/ledger/station-entries';
import { ballotCastEntry, ballotPendingEntry } from '../../../core/ledger/station-entries';
import { type Json, mutations } from '../../support/json-mutations';
import { negativeVectors, referenceRecordFiles } from '../../support/spec-vectors';

function entriesOf(type: string): Json[] {
  const texts = [
    ...[...referenceRecordFiles()].filter(([file]) => file.endsWith('.jsonl')).map(([, text]) => text),
    ...negativeVectors().flatMap((v) => v.changes.flatMap((c) => (c.content === undefined ? [] : [c.content]))),
  ];
  return texts.flatMap((text) =>
    text.split('\n').flatMap((line) => {
      let value: { type?: unknown } | undefined;
      try {
        value = JSON.parse(line) as { type?: unknown };
      } catch {
        return []; // a vector's deliberately broken line
      }
      return value?.type === type ? [value as Json] : [];
    }),
  );
}

describe.each([
  ['ballot-pending', ballotPendingEntry.schema],
  ['ballot-cast', ballotCastEntry.schema],
] as const)('the hand-written rules of %s', (type, schema) => {
  const entries = entriesOf(type);

  const agree = (value: Json) => {
    const checked = electionEntryRegistry.validate('ballots', value);
    const reference = schema.safeParse(value).success;
    expect(checked.ok, JSON.stringify(value).slice(0, 300)).toBe(reference);
    // A mutation may leave the type or version unknown: then neither rule set runs.
    if (!checked.ok && checked.error.kind === 'invalid-fields') expect(checked.error.issues).toMatch(/^✖ /);
  };

  it('accepts what the schema accepts among the vectors', () => {
    expect(entries.length).toBeGreaterThan(3);
    for (const entry of entries) agree(entry);
  });

  it('agrees with the schema on every one-change mutation', () => {
    let refused = 0;
    const all = mutations(entries[0] as Json);
    for (const mutated of all) {
      agree(mutated);
      if (!schema.safeParse(mutated).success) refused += 1;
    }
    expect(all.length).toBeGreaterThan(type === 'ballot-pending' ? 1000 : 20);
    expect(refused).toBeGreaterThan(all.length / 2);
  });

  it('names the field a refusal is about', () => {
    const [entry] = entries;
    const field = type === 'ballot-pending' ? 'ballotStyleId' : 'ballotId';
    const broken = { ...(entry as Record<string, Json>), [field]: 'x y' };
    const checked = electionEntryRegistry.validate('ballots', broken);
    expect(checked).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-fields',
        issues: expect.stringContaining(`at ${field}`) as unknown,
      },
    });
  });
});
