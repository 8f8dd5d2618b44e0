/**
 * results.json in the form of NIST SP 1500-100 (Election Results Common Data Format,
 * JSON binding, "ElectionResults.*" types): an ElectionReport at precinct level with
 * one ReportingUnit for the jurisdiction, one per precinct, one per station published
 * alone (polling place) and one per unit of stations decrypted together because one of
 * them alone is below the package's minimum (OtherType "merged-stations"; it composes
 * its precinct, or the jurisdiction when it spans precincts). A station inside a merged
 * unit has no unit of its own: its totals are not published apart. CandidateContest and BallotMeasureContest
 * with a VoteCounts item per selection and reporting unit (Type "total"), OtherCounts
 * with the undervotes, and BallotCounts with the ballots cast per unit.
 * Texts keep both languages as LanguageStrings.
 */
import { writeInSelectionId, type ElectionDefinition } from '../election/definition';
import type { ElectionResults, UnitResult } from './results';

type LocalizedText = { readonly ru: string; readonly en: string };

function text(value: LocalizedText) {
  return {
    '@type': 'ElectionResults.InternationalizedText',
    Text: (['en', 'ru'] as const).map((language) => ({
      '@type': 'ElectionResults.LanguageString',
      Language: language,
      Content: value[language],
    })),
  };
}

const gpStation = (stationId: string) => `gp-station-${stationId}`;
const gpPrecinct = (precinctId: string) => `gp-precinct-${precinctId}`;
const gpMerged = (unitId: string) => `gp-merged-${unitId.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export type NistReportOptions = {
  /** ISO 8601 date-time with zone of the report. */
  readonly generatedDate: string;
  readonly status: 'unofficial-complete' | 'certified';
  readonly vendorApplicationId: string;
};

export function resultsToNist(
  definition: ElectionDefinition,
  results: ElectionResults,
  options: NistReportOptions,
): unknown {
  const jurisdictionGp = `gp-${definition.jurisdiction.id}`;
  const units: { gpUnitId: string; result: UnitResult }[] = [
    { gpUnitId: jurisdictionGp, result: results.overall },
    ...results.precincts.map((p) => ({ gpUnitId: gpPrecinct(p.precinctId), result: p })),
    ...results.stations.map((s) => ({ gpUnitId: gpStation(s.stationId), result: s })),
    ...results.merged.map((m) => ({ gpUnitId: gpMerged(m.unitId), result: m })),
  ];
  // What each unit is made of: only units that exist in this report.
  const precinctParts = (precinctId: string) => [
    ...results.stations.filter((s) => s.precinctId === precinctId).map((s) => gpStation(s.stationId)),
    ...results.merged
      .filter((m) => m.kind === 'precinct' && m.precinctId === precinctId)
      .map((m) => gpMerged(m.unitId)),
  ];
  const reportedPrecincts = new Set(results.precincts.map((p) => p.precinctId));
  const jurisdictionParts = [
    ...results.precincts.map((p) => gpPrecinct(p.precinctId)),
    ...results.merged
      .filter((m) => m.kind === 'election' || (m.precinctId !== undefined && !reportedPrecincts.has(m.precinctId)))
      .map((m) => gpMerged(m.unitId)),
    ...results.stations.filter((s) => !reportedPrecincts.has(s.precinctId)).map((s) => gpStation(s.stationId)),
  ];
  const countsFor = (contestId: string, selectionId: string) =>
    units.flatMap(({ gpUnitId, result }) => {
      const count = result.contests
        .find((c) => c.contestId === contestId)
        ?.selections.find((s) => s.selectionId === selectionId)?.count;
      return count === undefined
        ? []
        : [{ '@type': 'ElectionResults.VoteCounts', GpUnitId: gpUnitId, Type: 'total', Count: count }];
    });
  const otherCountsFor = (contestId: string) =>
    units.flatMap(({ gpUnitId, result }) => {
      const contest = result.contests.find((c) => c.contestId === contestId);
      return contest === undefined
        ? []
        : [
            {
              '@type': 'ElectionResults.OtherCounts',
              GpUnitId: gpUnitId,
              Overvotes: 0,
              Undervotes: contest.undervotes,
            },
          ];
    });

  const contests = definition.contests
    .filter((c) => results.overall.contests.some((r) => r.contestId === c.id))
    .map((contest) => {
      if (contest.type === 'candidate') {
        const writeIns = Array.from({ length: contest.writeInLines }, (_, i) => writeInSelectionId(i + 1));
        return {
          '@type': 'ElectionResults.CandidateContest',
          '@id': contest.id,
          Name: contest.title.en,
          BallotTitle: text(contest.title),
          BallotSubTitle: text(contest.subtitle),
          ElectionDistrictId: jurisdictionGp,
          VotesAllowed: contest.voteFor,
          OtherCounts: otherCountsFor(contest.id),
          ContestSelection: [
            ...contest.candidateIds.map((candidateId) => ({
              '@type': 'ElectionResults.CandidateSelection',
              '@id': `${contest.id}-${candidateId}`,
              CandidateIds: [`candidate-${candidateId}`],
              VoteCounts: countsFor(contest.id, candidateId),
            })),
            ...writeIns.map((selectionId) => ({
              '@type': 'ElectionResults.CandidateSelection',
              '@id': `${contest.id}-${selectionId}`,
              IsWriteIn: true,
              VoteCounts: countsFor(contest.id, selectionId),
            })),
          ],
        };
      }
      return {
        '@type': 'ElectionResults.BallotMeasureContest',
        '@id': contest.id,
        Name: contest.title.en,
        BallotTitle: text(contest.title),
        FullText: text(contest.question),
        ElectionDistrictId: jurisdictionGp,
        OtherCounts: otherCountsFor(contest.id),
        ContestSelection: [contest.yes, contest.no].map((option) => ({
          '@type': 'ElectionResults.BallotMeasureSelection',
          '@id': `${contest.id}-${option.id}`,
          Selection: text(option.label),
          VoteCounts: countsFor(contest.id, option.id),
        })),
      };
    });

  const candidateIds = new Set(definition.contests.flatMap((c) => (c.type === 'candidate' ? c.candidateIds : [])));
  return {
    '@type': 'ElectionResults.ElectionReport',
    Format: 'precinct-level',
    GeneratedDate: options.generatedDate,
    Issuer: definition.authority.name.en,
    IssuerAbbreviation: definition.jurisdiction.id,
    SequenceStart: 1,
    SequenceEnd: 1,
    Status: options.status,
    VendorApplicationId: options.vendorApplicationId,
    GpUnit: [
      {
        '@type': 'ElectionResults.ReportingUnit',
        '@id': jurisdictionGp,
        Type: 'other',
        OtherType: 'jurisdiction',
        Name: text(definition.jurisdiction.name),
        ComposingGpUnitIds: jurisdictionParts,
      },
      ...results.precincts.map((p) => {
        const precinct = definition.precincts.find((d) => d.id === p.precinctId);
        return {
          '@type': 'ElectionResults.ReportingUnit',
          '@id': gpPrecinct(p.precinctId),
          Type: 'precinct',
          ...(precinct === undefined ? {} : { Name: text(precinct.name) }),
          ComposingGpUnitIds: precinctParts(p.precinctId),
        };
      }),
      ...results.stations.map((s) => ({
        '@type': 'ElectionResults.ReportingUnit',
        '@id': gpStation(s.stationId),
        Type: 'polling-place',
        Name: text({ ru: s.stationId, en: s.stationId }),
      })),
      ...results.merged.map((m) => {
        const members = m.stations.map((s) => s.stationId).join(', ');
        return {
          '@type': 'ElectionResults.ReportingUnit',
          '@id': gpMerged(m.unitId),
          Type: 'other',
          OtherType: 'merged-stations',
          Name: text({ ru: `Участки, подсчитанные вместе: ${members}`, en: `Stations counted together: ${members}` }),
        };
      }),
    ],
    Election: [
      {
        '@type': 'ElectionResults.Election',
        ElectionScopeId: jurisdictionGp,
        Name: text(definition.title),
        StartDate: definition.date,
        EndDate: definition.date,
        Type: 'general',
        BallotCounts: units.map(({ gpUnitId, result }) => ({
          '@type': 'ElectionResults.BallotCounts',
          GpUnitId: gpUnitId,
          Type: 'total',
          BallotsCast: result.ballotsCast,
        })),
        Candidate: definition.candidates
          .filter((c) => candidateIds.has(c.id))
          .map((c) => ({ '@type': 'ElectionResults.Candidate', '@id': `candidate-${c.id}`, BallotName: text(c.name) })),
        Contest: contests,
      },
    ],
  };
}
