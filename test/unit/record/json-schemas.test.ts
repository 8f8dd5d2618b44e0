/**
 * docs/schema/: the published JSON Schemas of the record's JSON files are exactly
 * what zod generates from the schemas the code uses (core/record/schemas.ts), and
 * every JSON file of a simulated record — the reference record, test/vectors/record/,
 * written by `urna simulate` — validates against its published schema with an
 * independent JSON Schema validator (Ajv, draft 2020-12). URNA_UPDATE_SCHEMAS=1
 * rewrites docs/schema/.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RECORD_SCHEMAS, toPublishedJsonSchema } from '../../../core/record/schemas';

const SCHEMA_DIR = path.resolve('docs/schema');
const RECORD = path.resolve('test/vectors/record');

const published = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;

describe('docs/schema/', () => {
  it.each(RECORD_SCHEMAS.map((s) => [s.name, s] as const))(
    '%s.schema.json is what zod generates from the code',
    (name, entry) => {
      const generated = toPublishedJsonSchema(entry);
      if (process.env.URNA_UPDATE_SCHEMAS === '1')
        writeFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), `${JSON.stringify(generated, null, 2)}\n`);
      expect(published(name)).toEqual(generated);
    },
  );

  it('holds a schema for every record schema and nothing else', () => {
    expect(
      readdirSync(SCHEMA_DIR)
        .filter((f) => f.endsWith('.schema.json'))
        .sort(),
    ).toEqual(RECORD_SCHEMAS.map((s) => `${s.name}.schema.json`).sort());
  });
});

describe('a simulated record validates against the published schemas', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // ajv-formats is CommonJS: its module object is the plugin function itself.
  const addFormats = ajvFormats as unknown as (instance: Ajv2020) => Ajv2020;
  addFormats(ajv);
  const validators = new Map(RECORD_SCHEMAS.map((s) => [s.name, ajv.compile(published(s.name))]));
  const files = readdirSync(RECORD, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(RECORD, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'))
    .sort();

  it('every JSON file of the record has a schema', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !RECORD_SCHEMAS.some((s) => s.matches(f)))).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const entry = RECORD_SCHEMAS.find((s) => s.matches(file));
    if (entry === undefined) throw new Error(`no schema for ${file}`);
    const validate = validators.get(entry.name);
    if (validate === undefined) throw new Error(`no validator for ${entry.name}`);
    const text = readFileSync(path.join(RECORD, file), 'utf8');
    const values =
      entry.jsonLines === true
        ? text
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as unknown)
        : [JSON.parse(text) as unknown];
    for (const value of values) {
      const valid = validate(value);
      expect(valid, `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('the validator refuses what the code refuses: an unknown member, a bad base64url value', () => {
    const validate = validators.get('encrypted-totals');
    const totals = JSON.parse(readFileSync(path.join(RECORD, 'tally/encrypted-totals.json'), 'utf8')) as {
      stations: { tally: { contests: { selections: { alpha: string }[] }[] } }[];
    };
    expect(validate?.({ ...totals, extra: 1 })).toBe(false);
    const selection = totals.stations[0]?.tally.contests[0]?.selections[0];
    if (selection === undefined) throw new Error('no selection');
    selection.alpha = 'not base64url';
    expect(validate?.(totals)).toBe(false);
  });
});
