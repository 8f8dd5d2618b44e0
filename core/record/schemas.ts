/**
 * The zod schema of every JSON file of an election record (docs/SPEC.md §10), from
 * which the published JSON Schemas under docs/schema/ are generated with zod's
 * `z.toJSONSchema`, so that they cannot drift from what the code parses. Where the
 * code reads a file with its own parser (the package and the signed { format, note }
 * envelopes) or only compares it with what it recomputes (results.json,
 * results.nist.json), the schema here states the shape the code writes; the tests
 * validate the code's own outputs against the published files.
 */
import { z } from 'zod';
import { keyCeremonySchema } from '../ballot/records';
import { ElectionDefinitionSchema } from '../election/definition';
import { ELECTION_PACKAGE_FORMAT } from '../election/package';
import { STATION_MANIFEST_FORMAT, STATION_NOT_OPERATED_FORMAT } from '../election/station-manifest';
import { STATION_ENROLLMENT_FORMAT } from '../election/enrollment';
import { lifecycleEntryDefinitions } from '../ledger/entries';
import {
  ballotCastEntry,
  ballotChallengedEntry,
  ballotPendingEntry,
  ballotVoidedEntry,
} from '../ledger/station-entries';
import type { ElectionResults } from './results';
import { encryptedTotalsFileSchema, tallyShareFileSchema } from './totals';

const ID = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/);
const B64U32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const count = z.int().min(0);

export const packageFileSchema = z.strictObject({
  format: z.literal(ELECTION_PACKAGE_FORMAT),
  definition: ElectionDefinitionSchema,
  /** A signed note (docs/SPEC.md §2.3). */
  authoritySignature: z.string(),
});

const signedFile = (format: string) => z.strictObject({ format: z.literal(format), note: z.string() });
export const stationManifestFileSchema = signedFile(STATION_MANIFEST_FORMAT);
export const notOperatedFileSchema = signedFile(STATION_NOT_OPERATED_FORMAT);
export const enrollmentFileSchema = signedFile(STATION_ENROLLMENT_FORMAT);

/** One line of a ballot log's entries.jsonl (docs/SPEC.md §4.1): the entries the ballot log takes. */
export const ballotLogEntrySchema = z.union(
  [
    ...lifecycleEntryDefinitions.filter((d) => d.logs.includes('ballots')),
    ballotPendingEntry,
    ballotCastEntry,
    ballotVoidedEntry,
    ballotChallengedEntry,
  ].map((d) => d.schema),
);

const contestResult = z.strictObject({
  contestId: ID,
  ballots: count,
  undervotes: count,
  selections: z.array(z.strictObject({ selectionId: ID, count })),
});
const unitResult = { ballotsCast: count, contests: z.array(contestResult) };
const stationCount = z.strictObject({ stationId: ID, precinctId: ID, ballotsCast: count });

export const resultsFileSchema = z.strictObject({
  type: z.literal('election-results'),
  v: z.literal(2),
  specVersion: z.string(),
  electionId: ID,
  baseHash: B64U32,
  minimumPublishedCount: z.int().min(1),
  guardians: z.array(ID),
  stations: z.array(z.strictObject({ stationId: ID, precinctId: ID, ...unitResult })),
  merged: z.array(
    z.strictObject({
      unitId: z.string().regex(/^(?:precinct:[a-z0-9][a-z0-9._-]{0,62}|election)$/),
      kind: z.enum(['precinct', 'election']),
      precinctId: ID.optional(),
      stations: z.array(stationCount),
      ...unitResult,
    }),
  ),
  precincts: z.array(z.strictObject({ precinctId: ID, stations: z.array(ID), ...unitResult })),
  overall: z.strictObject(unitResult),
});
// The schema and the type the code computes describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const resultsSchemaMatchesType: Same<z.output<typeof resultsFileSchema>, DeepMutable<ElectionResults>> = true;
void resultsSchemaMatchesType;
type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

// ---- results.nist.json: NIST SP 1500-100 JSON, as core/record/nist-results.ts writes it.
const typed = <T extends string>(type: T) => z.literal(`ElectionResults.${type}`);
const text = z.strictObject({
  '@type': typed('InternationalizedText'),
  Text: z.array(z.strictObject({ '@type': typed('LanguageString'), Language: z.string(), Content: z.string() })).min(1),
});
const voteCounts = z.array(
  z.strictObject({ '@type': typed('VoteCounts'), GpUnitId: z.string(), Type: z.literal('total'), Count: count }),
);
const otherCounts = z.array(
  z.strictObject({ '@type': typed('OtherCounts'), GpUnitId: z.string(), Overvotes: count, Undervotes: count }),
);
const candidateContest = z.strictObject({
  '@type': typed('CandidateContest'),
  '@id': z.string(),
  Name: z.string(),
  BallotTitle: text,
  BallotSubTitle: text,
  ElectionDistrictId: z.string(),
  VotesAllowed: z.int().min(1),
  OtherCounts: otherCounts,
  ContestSelection: z.array(
    z.union([
      z.strictObject({
        '@type': typed('CandidateSelection'),
        '@id': z.string(),
        CandidateIds: z.array(z.string()).length(1),
        VoteCounts: voteCounts,
      }),
      z.strictObject({
        '@type': typed('CandidateSelection'),
        '@id': z.string(),
        IsWriteIn: z.literal(true),
        VoteCounts: voteCounts,
      }),
    ]),
  ),
});
const ballotMeasureContest = z.strictObject({
  '@type': typed('BallotMeasureContest'),
  '@id': z.string(),
  Name: z.string(),
  BallotTitle: text,
  FullText: text,
  ElectionDistrictId: z.string(),
  OtherCounts: otherCounts,
  ContestSelection: z.array(
    z.strictObject({
      '@type': typed('BallotMeasureSelection'),
      '@id': z.string(),
      Selection: text,
      VoteCounts: voteCounts,
    }),
  ),
});
export const nistResultsFileSchema = z.strictObject({
  '@type': typed('ElectionReport'),
  Format: z.literal('precinct-level'),
  GeneratedDate: z.string(),
  Issuer: z.string(),
  IssuerAbbreviation: z.string(),
  SequenceStart: z.literal(1),
  SequenceEnd: z.literal(1),
  Status: z.enum(['certified', 'unofficial-complete']),
  VendorApplicationId: z.string(),
  GpUnit: z.array(
    z.strictObject({
      '@type': typed('ReportingUnit'),
      '@id': z.string(),
      Type: z.enum(['other', 'precinct', 'polling-place']),
      OtherType: z.enum(['jurisdiction', 'merged-stations']).optional(),
      Name: text.optional(),
      ComposingGpUnitIds: z.array(z.string()).optional(),
    }),
  ),
  Election: z
    .array(
      z.strictObject({
        '@type': typed('Election'),
        ElectionScopeId: z.string(),
        Name: text,
        StartDate: z.string(),
        EndDate: z.string(),
        Type: z.literal('general'),
        BallotCounts: z.array(
          z.strictObject({
            '@type': typed('BallotCounts'),
            GpUnitId: z.string(),
            Type: z.literal('total'),
            BallotsCast: count,
          }),
        ),
        Candidate: z.array(z.strictObject({ '@type': typed('Candidate'), '@id': z.string(), BallotName: text })),
        Contest: z.array(z.union([candidateContest, ballotMeasureContest])),
      }),
    )
    .length(1),
});

export type RecordSchema = {
  /** docs/schema/<name>.schema.json */
  readonly name: string;
  readonly schema: z.ZodType;
  /** Which record files it describes (paths relative to the record, "/"-separated). */
  readonly matches: (file: string) => boolean;
  /** Each line of the file is one JSON value of the schema. */
  readonly jsonLines?: true;
};

export const RECORD_SCHEMAS: readonly RecordSchema[] = [
  { name: 'election-package', schema: packageFileSchema, matches: (f) => f === 'election.json' },
  { name: 'key-ceremony', schema: keyCeremonySchema, matches: (f) => f === 'guardians/key-ceremony.json' },
  { name: 'station-manifest', schema: stationManifestFileSchema, matches: (f) => f === 'station-manifest.json' },
  {
    name: 'station-enrollment',
    schema: enrollmentFileSchema,
    matches: (f) => /^stations\/[^/]+\/enrollment\.json$/.test(f),
  },
  {
    name: 'station-not-operated',
    schema: notOperatedFileSchema,
    matches: (f) => /^stations\/[^/]+\/not-operated\.json$/.test(f),
  },
  {
    name: 'ballot-log-entry',
    schema: ballotLogEntrySchema,
    matches: (f) => /^stations\/[^/]+\/ballots\/entries\.jsonl$/.test(f),
    jsonLines: true,
  },
  { name: 'encrypted-totals', schema: encryptedTotalsFileSchema, matches: (f) => f === 'tally/encrypted-totals.json' },
  { name: 'tally-share', schema: tallyShareFileSchema, matches: (f) => /^tally\/shares\/[^/]+\.json$/.test(f) },
  { name: 'election-results', schema: resultsFileSchema, matches: (f) => f === 'results.json' },
  { name: 'results-nist', schema: nistResultsFileSchema, matches: (f) => f === 'results.nist.json' },
];

/** The published JSON Schema (draft 2020-12) of a record schema: what docs/schema/<name>.schema.json holds. */
export function toPublishedJsonSchema(entry: RecordSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return { ...generated, title: `Urna ${entry.name} (docs/SPEC.md §10)` };
}
