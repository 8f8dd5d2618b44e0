import { describe, expect, it } from 'vitest';
import { parseElectionDefinition, type ElectionDefinition } from '../../../core/election/definition';
import { toBallotManifest } from '../../../core/election/manifest';
import { electionBaseHash, electionExtendedBaseHash, formatBaseHashForDisplay } from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { toHex } from '../../../core/encoding/bytes';
import type { ElectionErrorCode } from '../../../core/election/errors';
import { deletePath, getPath, jsonCopy, setPath, type Json } from './json-edit';
import { testSampleKeys } from './sample-keys';

function sample(): ElectionDefinition {
  const made = sampleElectionDefinition(testSampleKeys('sample'));
  if (!made.ok) throw new Error(made.error.map((e) => e.message.en).join('\n'));
  return made.value;
}

/** A deep copy as plain JSON, free to mutate. */
function sampleJson(): Json {
  return jsonCopy(sample());
}

function errorsOf(input: unknown) {
  const parsed = parseElectionDefinition(input);
  if (parsed.ok) throw new Error('expected the definition to be refused');
  return parsed.error;
}

describe('the sample election', () => {
  it('is valid, bilingual and has the contests the issue asks for', () => {
    const def = sample();
    expect(def.precincts).toHaveLength(2);
    const yesNo = def.contests.filter((c) => c.type === 'yes-no');
    const races = def.contests.flatMap((c) => (c.type === 'candidate' ? [c] : []));
    expect(yesNo).toHaveLength(1);
    expect(races.map((r) => [r.voteFor, r.candidateIds.length, r.writeInLines])).toEqual([
      [1, 6, 0],
      [3, 8, 1],
    ]);
    const [a, b] = def.ballotStyles;
    expect(a?.contestIds).not.toEqual(b?.contestIds);
    expect(a?.precinctIds).not.toEqual(b?.precinctIds);
    for (const c of def.candidates) expect(c.name.ru).toMatch(/[А-Яа-яЁё]/);
  });

  it('maps each ballot style to the manifest the ballot cryptography uses', () => {
    const def = sample();
    const manifest = toBallotManifest(def, 'style-district-1');
    expect(manifest.ok && manifest.value.contests.map((c) => [c.contestId, c.limit, c.selections.length])).toEqual([
      ['charter-amendment', 1, 2],
      ['council-district-1', 3, 9],
    ]);
    expect(manifest.ok && manifest.value.contests[1]?.selections.at(-1)).toBe('write-in-1');
    expect(toBallotManifest(def, 'no-such-style')).toEqual({
      ok: false,
      error: { kind: 'unknown-ballot-style', ballotStyleId: 'no-such-style' },
    });
  });
});

describe('the base hash', () => {
  /** Rebuilds every object with its keys in reverse order. */
  function reverseKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reverseKeys);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reverseKeys(v)]),
      );
    }
    return value;
  }

  it('is the same across runs and key orders, and pinned for the test keys', () => {
    const def = sample();
    // Hashed as given, without the schema's own normalisation in between.
    const reordered = reverseKeys(JSON.parse(JSON.stringify(def))) as ElectionDefinition;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(def));
    expect(parseElectionDefinition(reordered).ok).toBe(true);
    expect(toHex(electionBaseHash(reordered))).toBe(toHex(electionBaseHash(def)));
    expect(toHex(electionBaseHash(sample()))).toBe(toHex(electionBaseHash(def)));
    // The definition carries specVersion (docs/SPEC.md), so the pin moved when it was added.
    // Pinned: a change here means every signed package and ballot proof changes too.
    expect(toHex(electionBaseHash(def))).toBe('3ea3a2391050bea42b176b924f96c91a72fbbd5a0405c265ce29b17dea5fc12e');
    expect(formatBaseHashForDisplay(electionBaseHash(def))).toMatch(/^3ea3 a239 1050 /);
  });

  it('changes with any voter-facing text, and the extended base hash with it', () => {
    const def = sampleJson();
    setPath(def, 'contests[0].yes.label.ru', 'Да!');
    const changed = parseElectionDefinition(def);
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    expect(toHex(electionBaseHash(changed.value))).not.toBe(toHex(electionBaseHash(sample())));
    expect(toHex(electionExtendedBaseHash(changed.value))).not.toBe(toHex(electionExtendedBaseHash(sample())));
  });
});

describe('every malformed field gets an error naming it, in both languages', () => {
  type Case = [name: string, mutate: (d: Json) => void, path: string, code: ElectionErrorCode];
  const set = (path: string, value: Json) => (d: Json) => setPath(d, path, value);
  const copy = (from: string, to: string) => (d: Json) => setPath(d, to, getPath(d, from));
  const remove = (path: string) => (d: Json) => deletePath(d, path);
  const cases: Case[] = [
    ['missing title', remove('title'), 'title', 'required'],
    ['missing Russian title', remove('title.ru'), 'title.ru', 'required'],
    ['blank English title', set('title.en', '   '), 'title.en', 'blank-text'],
    ['empty precinct name', set('precincts[0].name.ru', ''), 'precincts[0].name.ru', 'too-short'],
    ['huge question', set('contests[0].question.en', 'x'.repeat(100_000)), 'contests[0].question.en', 'too-long'],
    ['number as title', set('title', 42), 'title', 'wrong-type'],
    ['unknown field', set('colour', 'red'), 'colour', 'unknown-field'],
    ['bad election id', set('electionId', 'Moscow 2019'), 'electionId', 'bad-id'],
    ['impossible date', set('date', '2026-02-30'), 'date', 'bad-date'],
    ['date with time', set('date', '2026-09-20T08:00:00Z'), 'date', 'bad-date'],
    ['wrong format tag', set('format', 'urna/election-definition/v9'), 'format', 'invalid-value'],
    ['unknown contest type', set('contests[1].type', 'ranked-choice'), 'contests[1].type', 'invalid-value'],
    ['fractional vote-for', set('contests[1].voteFor', 1.5), 'contests[1].voteFor', 'not-an-integer'],
    ['zero vote-for', set('contests[1].voteFor', 0), 'contests[1].voteFor', 'too-small'],
    ['vote-for above choices', set('contests[2].voteFor', 10), 'contests[2].voteFor', 'vote-for-exceeds-choices'],
    ['negative write-ins', set('contests[2].writeInLines', -1), 'contests[2].writeInLines', 'too-small'],
    ['no precincts', set('precincts', []), 'precincts', 'too-few-items'],
    ['duplicate precinct', copy('precincts[0].id', 'precincts[1].id'), 'precincts[1].id', 'duplicate-id'],
    ['duplicate candidate', copy('candidates[2].id', 'candidates[3].id'), 'candidates[3].id', 'duplicate-id'],
    ['duplicate contest', copy('contests[1].id', 'contests[2].id'), 'contests[2].id', 'duplicate-id'],
    [
      'dangling contest',
      set('ballotStyles[0].contestIds[1]', 'mayor'),
      'ballotStyles[0].contestIds[1]',
      'dangling-reference',
    ],
    [
      'dangling precinct',
      set('ballotStyles[1].precinctIds[0]', 'uik-9999'),
      'ballotStyles[1].precinctIds[0]',
      'dangling-reference',
    ],
    [
      'dangling candidate',
      set('contests[1].candidateIds[2]', 'nobody'),
      'contests[1].candidateIds[2]',
      'dangling-reference',
    ],
    [
      'contest listed twice',
      set('ballotStyles[0].contestIds[2]', 'charter-amendment'),
      'ballotStyles[0].contestIds[2]',
      'duplicate-reference',
    ],
    [
      'precinct without style',
      set('ballotStyles[1].precinctIds', ['uik-1201']),
      'precincts[1].id',
      'precinct-without-ballot-style',
    ],
    ['candidate id shadows a write-in', set('candidates[0].id', 'write-in-1'), 'candidates[0].id', 'reserved-id'],
    ['same yes and no', copy('contests[0].yes.id', 'contests[0].no.id'), 'contests[0].no.id', 'duplicate-id'],
    [
      'joint key not a point',
      set('guardians.jointPublicKey', 'A'.repeat(43)),
      'guardians.jointPublicKey',
      'not-a-point',
    ],
    [
      'joint key padded',
      set('guardians.jointPublicKey', `${sample().guardians.jointPublicKey}=`),
      'guardians.jointPublicKey',
      'not-a-point',
    ],
    [
      'ceremony hash too short',
      set('guardians.ceremonyRecordHash', 'AAAA'),
      'guardians.ceremonyRecordHash',
      'bad-hash',
    ],
    ['guardian threshold too high', set('guardians.threshold', 6), 'guardians.threshold', 'threshold-out-of-range'],
    ['validator threshold zero', set('validators.threshold', 0), 'validators.threshold', 'threshold-out-of-range'],
    ['validator threshold above n', set('validators.threshold', 4), 'validators.threshold', 'threshold-out-of-range'],
    [
      'validator threshold not a majority',
      set('validators.threshold', 1),
      'validators.threshold',
      'threshold-not-majority',
    ],
    [
      'validator key garbled',
      set('validators.members[0].verifierKey', 'commission+00000000+AAAA'),
      'validators.members[0].verifierKey',
      'bad-verifier-key',
    ],
    [
      'validator key of the wrong type',
      copy('authority.verifierKey', 'validators.members[0].verifierKey'),
      'validators.members[0].verifierKey',
      'wrong-key-type',
    ],
    [
      'validator renamed away from its key',
      set('validators.members[1].name', 'observers'),
      'validators.members[1].verifierKey',
      'key-name-mismatch',
    ],
    [
      'same validator key twice',
      (d) => (
        copy('validators.members[1]', 'validators.members[2]')(d),
        setPath(d, 'validators.members[2].url', 'https://x.example/')
      ),
      'validators.members[2].verifierKey',
      'duplicate-key',
    ],
    [
      'validator URL not http',
      set('validators.members[0].url', 'ftp://validator.example/'),
      'validators.members[0].url',
      'bad-url',
    ],
    ['card issuer key missing', remove('pollWorkerCardIssuerKey'), 'pollWorkerCardIssuerKey', 'required'],
    [
      'authority key of the wrong type',
      copy('validators.members[0].verifierKey', 'authority.verifierKey'),
      'authority.verifierKey',
      'wrong-key-type',
    ],
  ];

  it.each(cases)('%s', (_name, mutate, path, code) => {
    const def = sampleJson();
    mutate(def);
    const errors = errorsOf(def);
    const match = errors.find((e) => e.path === path && e.code === code);
    expect(match, JSON.stringify(errors.map((e) => [e.path, e.code]))).toBeDefined();
    if (match === undefined) return;
    expect(match.message.en.startsWith(`${path}: `)).toBe(true);
    expect(match.message.ru.startsWith(`${path}: `)).toBe(true);
    expect(match.message.ru).toMatch(/[а-яё]/);
    expect(match.message.en).not.toMatch(/\{\w+\}/);
    expect(match.message.ru).not.toMatch(/\{\w+\}/);
  });

  it('reports several independent problems at once', () => {
    const def = sampleJson();
    setPath(def, 'precincts[1].id', 'uik-1201');
    setPath(def, 'contests[2].voteFor', 12);
    setPath(def, 'guardians.threshold', 9);
    const codes = errorsOf(def).map((e) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining(['duplicate-id', 'vote-for-exceeds-choices', 'threshold-out-of-range']),
    );
  });

  it('refuses what is not an object at all', () => {
    for (const input of [null, 7, 'election', [], true]) {
      const errors = errorsOf(input);
      expect(errors[0]?.code).toBe('wrong-type');
      expect(errors[0]?.message.en).toMatch(/^the file: /);
    }
  });
});

describe('a missing field is reported as missing, whatever kind of value it needed', () => {
  it.each([
    'format',
    'electionId',
    'date',
    'contests[0].type',
    'contests[1].voteFor',
    'guardians.jointPublicKey',
    'validators.members',
  ])('%s', (path) => {
    const def = sampleJson();
    deletePath(def, path);
    expect(errorsOf(def).map((e) => [e.path, e.code])).toContainEqual([path, 'required']);
  });
});
