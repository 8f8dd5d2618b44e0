/**
 * The files people write by hand for the CLI, each with its published JSON Schema
 * (docs/schema/input/<name>.schema.json, generated from the zod schema the CLI parses
 * with, so they cannot drift) and a complete example (docs/examples/<name>.json) that
 * matches both. test/unit/cli/input-schemas.test.ts keeps docs/ equal to what this
 * module generates (URNA_UPDATE_SCHEMAS=1 rewrites it) and parses every example with
 * the CLI's own reader.
 */
import { z } from 'zod';
import type { InputFormat } from '../core/input-errors';
import { paperReadingsFormat, type PaperReadings } from '../core/record/audit';
import { paperCountsFormat, type PaperCounts } from '../core/record/reconcile';
import { cardSetFormat, demoCardSetFile, type CardSetFile } from '../hardware/sim/card-set';
import { validatorConfigFormat, type ValidatorConfigFile } from '../validator/config';

export type InputFile = {
  readonly format: InputFormat<unknown>;
  /** Which command reads it, for the schema's description. */
  readonly readBy: string;
  readonly example: unknown;
};

/** The example is typed against the format here, and checked by the schema in the test. */
function inputFile<T>(format: InputFormat<T>, readBy: string, example: T): InputFile {
  return { format, readBy, example };
}

/** For the election of docs/OPERATIONS.md and docs/examples/definition.json. */
const paperCounts = inputFile<PaperCounts>(paperCountsFormat, 'urna reconcile --paper, urna audit --paper', {
  type: 'paper-counts',
  v: 1,
  electionId: 'svetlogorye-2026-09',
  stations: [
    {
      stationId: 'uik-1201-a',
      paperRecords: 2,
      printedCastCount: 2,
      checkIns: 2,
      ballotsReissued: 0,
      contests: [
        {
          contestId: 'charter-amendment',
          selections: [
            { selectionId: 'charter-yes', count: 1 },
            { selectionId: 'charter-no', count: 1 },
          ],
        },
      ],
    },
    { stationId: 'uik-1202-a', paperRecords: 1, printedCastCount: 1, checkIns: 1, contests: [] },
  ],
});

const paperReadings = inputFile<PaperReadings>(paperReadingsFormat, 'urna audit record --paper-ballots', {
  readings: [
    {
      draw: 1,
      stationId: 'uik-1201-a',
      position: 2,
      choices: { 'charter-amendment': ['charter-no'], 'council-district-1': [] },
    },
    { draw: 2, stationId: 'uik-1202-a', position: 1, choices: { 'charter-amendment': ['charter-yes'] } },
  ],
});

const validatorConfig = inputFile<ValidatorConfigFile>(validatorConfigFormat, 'urna validator start|migrate --config', {
  name: 'commission',
  keyFile: 'commission.key',
  listen: { host: '127.0.0.1', port: 8471 },
  dataDir: 'data',
  store: 'sqlite',
  electionPackage: 'election.json',
  authorityKey: 'authority.key.vkey',
  enrollments: ['enrollments/'],
  stationManifest: 'station-manifest.json',
  timeWindowSeconds: 300,
});

const cardSet = inputFile<CardSetFile>(cardSetFormat, 'urna sim card-reader --cards', demoCardSetFile());

export const INPUT_FILES: readonly InputFile[] = [paperCounts, paperReadings, validatorConfig, cardSet];

/** What docs/schema/input/<name>.schema.json holds. */
export function inputJsonSchema(file: InputFile): Record<string, unknown> {
  const generated = z.toJSONSchema(file.format.schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    ...generated,
    title: `Urna ${file.format.what}`,
    description: `read by ${file.readBy}; example: docs/examples/${file.format.name}.json`,
  };
}
