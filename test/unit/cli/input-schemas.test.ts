/**
 * The files people write by hand: docs/schema/input/ holds exactly the JSON Schemas
 * zod generates from the schemas the CLI parses with (cli/input-schemas.ts), every
 * example in docs/examples/ validates against its published schema (Ajv, an
 * independent validator) and is accepted by the CLI's own reader, and a wrong file
 * is refused with a message naming the file, the field and what was expected — never
 * a zod dump. URNA_UPDATE_SCHEMAS=1 rewrites the schemas and the examples.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReadingsAgainstElection } from '../../../cli/commands/audit';
import { INPUT_FILES, inputJsonSchema } from '../../../cli/input-schemas';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { inputSchemaPath, parseInputFile } from '../../../core/input-errors';
import { parsePaperCounts } from '../../../core/record/reconcile';
import { readValidatorConfig } from '../../../validator/config';
import { runUrna } from '../../support/urna-cli';
import { testSampleKeys } from '../election/sample-keys';

const update = process.env.URNA_UPDATE_SCHEMAS === '1';
const schemaFile = (name: string) => path.resolve(inputSchemaPath(name));
const exampleFile = (name: string) => path.resolve('docs/examples', `${name}.json`);
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;
const files = INPUT_FILES.map((f) => [f.format.name, f] as const);

const dir = mkdtempSync(path.join(tmpdir(), 'urna-input-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function writeInput(name: string, json: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}
/** A zod dump: prettifyError's crosses and arrows, or a raw issue list. */
const ZOD_DUMP = /✖|→ at|"code":|invalid_type|Invalid input/;

describe('docs/schema/input/ and docs/examples/', () => {
  it.each(files)('%s: the published schema and example are what cli/input-schemas.ts generates', (name, file) => {
    if (update) {
      writeFileSync(schemaFile(name), `${JSON.stringify(inputJsonSchema(file), null, 2)}\n`);
      writeFileSync(exampleFile(name), `${JSON.stringify(file.example, null, 2)}\n`);
    }
    expect(readJson(schemaFile(name))).toEqual(inputJsonSchema(file));
    expect(readJson(exampleFile(name))).toEqual(file.example);
  });

  it('holds a schema for every input format and nothing else', () => {
    expect(readdirSync(path.resolve('docs/schema/input')).sort()).toEqual(
      INPUT_FILES.map((f) => `${f.format.name}.schema.json`).sort(),
    );
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // ajv-formats is CommonJS: its module object is the plugin function itself.
  (ajvFormats as unknown as (instance: Ajv2020) => Ajv2020)(ajv);

  it.each(files)('%s: the example validates against the published schema and the CLI reads it', (name, file) => {
    const example = readJson(exampleFile(name));
    const validate = ajv.compile(readJson(schemaFile(name)) as Record<string, unknown>);
    expect(validate(example), ajv.errorsText(validate.errors)).toBe(true);
    const parsed = parseInputFile(exampleFile(name), file.format, example);
    expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
  });

  it('the published schema refuses what the CLI refuses: an unknown field, a missing one', () => {
    const validate = ajv.compile(readJson(schemaFile('paper-counts')) as Record<string, unknown>);
    const example = readJson(exampleFile('paper-counts')) as Record<string, unknown>;
    expect(validate({ ...example, extra: 1 })).toBe(false);
    const { electionId: _dropped, ...withoutId } = example;
    expect(validate(withoutId)).toBe(false);
  });
});

describe('a wrong input file gets a message a person can read', () => {
  it('paper counts: the file, the field and what was expected', () => {
    const parsed = parsePaperCounts(
      { type: 'paper-counts', v: 1, electionId: 'e', stations: [{ stationId: 'uik-1', paperRecords: '12', paper: 3 }] },
      'counts.json',
    );
    expect(parsed.ok ? '' : parsed.error).toBe(
      [
        'counts.json is not a valid paper-count file (format: docs/schema/input/paper-counts.schema.json, example: docs/examples/paper-counts.json):',
        '  stations[0].paperRecords: must be a number, not text',
        '  stations[0].paper: unknown field: remove it or check its spelling',
      ].join('\n'),
    );
  });

  it('urna reconcile names the paper-count file and its field', async () => {
    const file = writeInput('paper-counts.json', {
      type: 'paper-counts',
      v: 1,
      stations: [{ stationId: 'uik-1', paperRecords: -1 }],
    });
    const run = await runUrna('reconcile', '--record', path.join(dir, 'no-record'), '--paper', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file} is not a valid paper-count file`);
    expect(run.stderr).toContain('electionId: this field is required');
    expect(run.stderr).toContain('stations[0].paperRecords: must be at least 0');
    expect(run.stderr).not.toMatch(ZOD_DUMP);
  });

  it('urna audit record: readings that say "marks" are told the field is "choices"', async () => {
    const file = writeInput('readings.json', {
      readings: [{ draw: 1, stationId: 'uik-1', position: 1, marks: { c: ['x'] } }],
    });
    const run = await runUrna(
      'audit',
      'record',
      '--record',
      path.join(dir, 'no-record'),
      '--risk-limit',
      '0.1',
      '--seed',
      '31415926535897932384',
      '--paper-ballots',
      file,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file} is not a valid paper-readings file`);
    expect(run.stderr).toContain('readings[0].choices: this field is required');
    expect(run.stderr).toContain('readings[0].marks: unknown field');
    expect(run.stderr).not.toMatch(ZOD_DUMP);
  });

  it('audit readings naming a selection the contest does not have: the message lists its choices', () => {
    const definition = sampleElectionDefinition(testSampleKeys('sample'));
    if (!definition.ok) throw new Error('the sample election does not parse');
    const reading = (choices: Record<string, string[]>) => [{ draw: 1, stationId: 'uik-1201-a', position: 1, choices }];
    expect(() => checkReadingsAgainstElection(reading({ 'charter-amendment': ['yes'] }), definition.value)).toThrow(
      'draw 1: "yes" is not a selection of contest "charter-amendment"; its choices are: charter-yes, charter-no',
    );
    expect(() => checkReadingsAgainstElection(reading({ charter: ['charter-yes'] }), definition.value)).toThrow(
      'draw 1: contest "charter" is not in this election; its contests are: charter-amendment, council-district-3, council-district-1',
    );
    expect(() =>
      checkReadingsAgainstElection(reading({ 'charter-amendment': ['charter-yes'] }), definition.value),
    ).not.toThrow();
  });

  it('a validator config: the file and each field', () => {
    const file = writeInput('validator.json', {
      name: 'v',
      keyFile: 'v.key',
      listen: { port: 'eighty' },
      dataDir: 'data',
      electionPackage: 'e.json',
      authorityKey: 'a.vkey',
      enrollments: [],
      store: 'mysql',
    });
    const read = readValidatorConfig(file);
    const message = read.ok ? '' : read.error;
    expect(message).toContain(
      `${file} is not a valid validator config (format: docs/schema/input/validator-config.schema.json`,
    );
    expect(message).toContain('listen.port: must be a number, not text');
    expect(message).toContain('enrollments: needs at least 1 entries');
    expect(message).toContain('store: must be one of: "sqlite", "postgres"');
    expect(message).not.toMatch(ZOD_DUMP);
  });

  it('urna sim card-reader: the card set and its field, and a clone of a card not in the set', async () => {
    const example = readJson(exampleFile('card-set')) as { cards: Record<string, unknown>[] };
    const badSeed = writeInput('cards.json', { ...example, cardIssuerSeed: 'XYZ' });
    const run = await runUrna('sim', 'card-reader', '--port', path.join(dir, 'no-port'), '--cards', badSeed);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${badSeed} is not a valid card set`);
    expect(run.stderr).toContain('cardIssuerSeed: has the wrong format: 32 bytes as 64 lowercase hex digits');
    expect(run.stderr).not.toMatch(ZOD_DUMP);
    const misspelt = writeInput('misspelt.json', { ...example, cards: [{ ...example.cards[0], pinn: '1234' }] });
    const typo = await runUrna('sim', 'card-reader', '--port', path.join(dir, 'no-port'), '--cards', misspelt);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('cards[0].pinn: unknown field: remove it or check its spelling');
    const clone = writeInput('clone.json', {
      ...example,
      cards: [
        ...example.cards,
        { name: 'c2', cardId: 'x', role: 'poll-worker', seed: '0'.repeat(64), cloneOf: 'nobody' },
      ],
    });
    const cloned = await runUrna('sim', 'card-reader', '--port', path.join(dir, 'no-port'), '--cards', clone);
    expect(cloned.code).toBe(1);
    expect(cloned.stderr).toContain('card "c2" is a clone of "nobody", which is not in the set');
  });
});
