/**
 * Import of a NIST SP 1500-20 Ballot Definition (JSON) into an Urna definition.
 *
 * What the NIST file describes is taken from it: the election's name and date, the
 * jurisdiction (ElectionScopeId), the precincts (every GpUnit a BallotStyle names),
 * the ballot styles with their contests in order, candidate contests (VotesAllowed,
 * CandidateSelection, IsWriteIn selections become write-in lines), two-option
 * ballot measures, candidates and their parties. What it cannot describe comes from
 * a settings definition the official already has: the election id, the authority,
 * the guardians' key, the validators and the card issuer key.
 *
 * Every voter-facing string must exist in Russian and English, so each NIST
 * InternationalizedText must carry both a `ru` and an `en` LanguageString.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../ids';
import { err, type Result } from '../result';
import {
  ELECTION_DEFINITION_FORMAT,
  parseElectionDefinition,
  zodIssuesToElectionErrors,
  type ElectionDefinition,
} from './definition';
import { SPEC_VERSION } from '../spec-version';
import { electionError, formatPath, nestErrors, type ElectionError, type LocalizedText } from './errors';

const InternationalizedText = z.looseObject({
  Text: z
    .array(z.looseObject({ Content: z.string(), Language: z.string() }))
    .min(1)
    .max(50),
});
type NistText = z.infer<typeof InternationalizedText>;

const CandidateSelection = z.looseObject({
  '@type': z.literal('BallotDefinition.CandidateSelection'),
  '@id': z.string(),
  CandidateIds: z.array(z.string()).max(10).optional(),
  IsWriteIn: z.boolean().optional(),
});

const BallotMeasureSelection = z.looseObject({
  '@type': z.literal('BallotDefinition.BallotMeasureSelection'),
  '@id': z.string(),
  Selection: InternationalizedText,
});

const CandidateContest = z.looseObject({
  '@type': z.literal('BallotDefinition.CandidateContest'),
  '@id': z.string(),
  Name: z.string(),
  BallotTitle: InternationalizedText.optional(),
  BallotSubTitle: InternationalizedText.optional(),
  ElectionDistrictId: z.string(),
  VotesAllowed: z.int(),
  ContestSelection: z.array(CandidateSelection).max(500),
});

const BallotMeasureContest = z.looseObject({
  '@type': z.literal('BallotDefinition.BallotMeasureContest'),
  '@id': z.string(),
  Name: z.string(),
  BallotTitle: InternationalizedText.optional(),
  FullText: InternationalizedText.optional(),
  SummaryText: InternationalizedText.optional(),
  ContestSelection: z.array(BallotMeasureSelection).max(10),
});

/** Any contest: its @type picks the schema; kinds Urna does not run (party, retention, …) are refused by name. */
const OtherContest = z.looseObject({ '@type': z.string(), '@id': z.string() });

type OrderedContent = { '@type'?: string; ContestId?: string; OrderedContent?: OrderedContent[] };
const OrderedContentItem: z.ZodType<OrderedContent> = z.lazy(() =>
  z.looseObject({
    '@type': z.string().optional(),
    ContestId: z.string().optional(),
    OrderedContent: z.array(OrderedContentItem).max(500).optional(),
  }),
);

const NistBallotDefinition = z.looseObject({
  '@type': z.literal('BallotDefinition.BallotDefinition'),
  Election: z
    .array(
      z.looseObject({
        Name: InternationalizedText,
        StartDate: z.iso.date(),
        ExternalIdentifier: z
          .array(z.looseObject({ Type: z.string().optional(), Value: z.string() }))
          .max(100)
          .optional(),
        ElectionScopeId: z.string(),
        Candidate: z
          .array(
            z.looseObject({ '@id': z.string(), BallotName: InternationalizedText, PartyId: z.string().optional() }),
          )
          .max(5000)
          .optional(),
        Contest: z.array(OtherContest).max(500).optional(),
        BallotStyle: z
          .array(
            z.looseObject({
              GpUnitIds: z.array(z.string()).min(1).max(10000),
              OrderedContent: z.array(OrderedContentItem).max(500).optional(),
            }),
          )
          .max(2000)
          .optional(),
      }),
    )
    .length(1),
  GpUnit: z
    .array(z.looseObject({ '@id': z.string(), Name: InternationalizedText.optional() }))
    .max(20000)
    .optional(),
  Party: z
    .array(z.looseObject({ '@id': z.string(), Name: InternationalizedText }))
    .max(1000)
    .optional(),
});

/** NIST ids are free text; ours are a restricted alphabet. Map, and report collisions later as duplicates. */
function toId(nistId: string): string {
  const mapped = nistId
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  return ID_PATTERN.test(mapped) ? mapped : nistId;
}

class Importer {
  readonly errors: ElectionError[] = [];

  text(value: NistText | undefined, path: PropertyKey[]): LocalizedText {
    const pick = (language: 'ru' | 'en'): string => {
      const found = value?.Text.find(
        (t) => t.Language.toLowerCase() === language || t.Language.toLowerCase().startsWith(`${language}-`),
      );
      if (found === undefined) {
        this.errors.push(
          electionError(formatPath(path), value === undefined ? 'required' : 'nist-missing-language', { language }),
        );
        return '?';
      }
      return found.Content;
    };
    return { ru: pick('ru'), en: pick('en') };
  }

  unsupported(path: PropertyKey[], detail: string): void {
    this.errors.push(electionError(formatPath(path), 'nist-unsupported', { detail }));
  }
}

function contestIdsInOrder(items: readonly OrderedContent[] | undefined, out: string[] = [], depth = 0): string[] {
  // Headers nest; real ballots nest two or three deep. The bound keeps a hostile file finite.
  if (items === undefined || depth > 16) return out;
  for (const item of items) {
    if (item.ContestId !== undefined) out.push(item.ContestId);
    contestIdsInOrder(item.OrderedContent, out, depth + 1);
  }
  return out;
}

/**
 * The election's id from the NIST file: its first external identifier that makes a
 * valid id, else its scope and start date ("ru-prirechny-2026-09-20").
 */
function nistElectionId(election: {
  readonly ElectionScopeId: string;
  readonly StartDate: string;
  readonly ExternalIdentifier?: readonly { readonly Value: string }[] | undefined;
}): string {
  for (const identifier of election.ExternalIdentifier ?? []) {
    const id = toId(identifier.Value);
    if (ID_PATTERN.test(id)) return id;
  }
  return `${toId(election.ElectionScopeId).slice(0, 52)}-${election.StartDate}`;
}

/**
 * Imports a NIST SP 1500-20 ballot definition. The election — its id (`electionId`
 * when given, else the file's: nistElectionId), title, date, jurisdiction, contests
 * and ballot styles — is the file's; only the trust settings (authority, guardians,
 * validators, card issuer) come from `settings`.
 */
export function importNistBallotDefinition(
  input: unknown,
  settings: ElectionDefinition,
  electionId?: string,
): Result<ElectionDefinition, ElectionError[]> {
  const parsed = NistBallotDefinition.safeParse(input);
  if (!parsed.success) return err(zodIssuesToElectionErrors(parsed.error.issues, input));
  const nist = parsed.data;
  const election = nist.Election[0];
  if (election === undefined) throw new Error('invariant failed: the schema requires exactly one election');
  const im = new Importer();
  const base: PropertyKey[] = ['Election', 0];

  const gpUnits = new Map((nist.GpUnit ?? []).map((unit, i) => [unit['@id'], { unit, index: i }]));
  const parties = new Map((nist.Party ?? []).map((party, i) => [party['@id'], { party, index: i }]));

  const candidates = (election.Candidate ?? []).map((candidate, i) => {
    const path = [...base, 'Candidate', i];
    const party = candidate.PartyId === undefined ? undefined : parties.get(candidate.PartyId);
    if (candidate.PartyId !== undefined && party === undefined) {
      im.errors.push(
        electionError(formatPath([...path, 'PartyId']), 'dangling-reference', { kind: 'Party', id: candidate.PartyId }),
      );
    }
    return {
      id: toId(candidate['@id']),
      name: im.text(candidate.BallotName, [...path, 'BallotName']),
      affiliation:
        party === undefined
          ? { ru: 'Самовыдвижение', en: 'Independent' }
          : im.text(party.party.Name, ['Party', party.index, 'Name']),
    };
  });

  const contests: unknown[] = [];
  (election.Contest ?? []).forEach((contest, i) => {
    const path = [...base, 'Contest', i];
    const kind = contest['@type'];
    const schemaFor =
      kind === 'BallotDefinition.CandidateContest'
        ? CandidateContest
        : kind === 'BallotDefinition.BallotMeasureContest'
          ? BallotMeasureContest
          : undefined;
    if (schemaFor === undefined) {
      im.unsupported([...path, '@type'], `contest type ${kind}`);
      return;
    }
    const checked = schemaFor.safeParse(contest);
    if (!checked.success) {
      im.errors.push(...nestErrors(formatPath(path), zodIssuesToElectionErrors(checked.error.issues, contest)));
      return;
    }
    const typed = CandidateContest.safeParse(contest);
    if (typed.success) {
      const c = typed.data;
      const district = gpUnits.get(c.ElectionDistrictId);
      const candidateIds: string[] = [];
      let writeInLines = 0;
      c.ContestSelection.forEach((selection, j) => {
        if (selection.IsWriteIn === true) writeInLines += 1;
        else if (selection.CandidateIds?.length === 1 && selection.CandidateIds[0] !== undefined)
          candidateIds.push(toId(selection.CandidateIds[0]));
        else
          im.unsupported(
            [...path, 'ContestSelection', j, 'CandidateIds'],
            'a selection must name exactly one candidate (tickets are not supported)',
          );
      });
      contests.push({
        type: 'candidate',
        id: toId(c['@id']),
        title:
          c.BallotTitle === undefined
            ? im.text(undefined, [...path, 'BallotTitle'])
            : im.text(c.BallotTitle, [...path, 'BallotTitle']),
        subtitle:
          c.BallotSubTitle !== undefined
            ? im.text(c.BallotSubTitle, [...path, 'BallotSubTitle'])
            : im.text(
                district?.unit.Name,
                district === undefined ? [...path, 'ElectionDistrictId'] : ['GpUnit', district.index, 'Name'],
              ),
        voteFor: c.VotesAllowed,
        writeInLines,
        candidateIds,
      });
      return;
    }
    const measure = BallotMeasureContest.safeParse(contest);
    if (measure.success) {
      const m = measure.data;
      const [yes, no] = m.ContestSelection;
      if (m.ContestSelection.length !== 2 || yes === undefined || no === undefined) {
        im.unsupported([...path, 'ContestSelection'], 'a ballot measure must have exactly two selections (yes, no)');
        return;
      }
      contests.push({
        type: 'yes-no',
        id: toId(m['@id']),
        title: im.text(m.BallotTitle, [...path, 'BallotTitle']),
        question: im.text(m.FullText ?? m.SummaryText, [
          ...path,
          m.FullText === undefined ? 'SummaryText' : 'FullText',
        ]),
        yes: { id: toId(yes['@id']), label: im.text(yes.Selection, [...path, 'ContestSelection', 0, 'Selection']) },
        no: { id: toId(no['@id']), label: im.text(no.Selection, [...path, 'ContestSelection', 1, 'Selection']) },
      });
      return;
    }
  });

  const precinctIds: string[] = [];
  const ballotStyles = (election.BallotStyle ?? []).map((style, i) => {
    for (const gp of style.GpUnitIds) if (!precinctIds.includes(gp)) precinctIds.push(gp);
    return {
      // NIST ballot styles carry no id of their own; their position is stable within the file.
      id: `style-${i + 1}`,
      precinctIds: style.GpUnitIds.map(toId),
      contestIds: contestIdsInOrder(style.OrderedContent).map(toId),
    };
  });
  const precincts = precinctIds.map((gpId) => {
    const found = gpUnits.get(gpId);
    if (found === undefined) {
      im.errors.push(electionError('GpUnit', 'dangling-reference', { kind: 'precinct', id: gpId }));
      return { id: toId(gpId), name: { ru: gpId, en: gpId } };
    }
    return { id: toId(gpId), name: im.text(found.unit.Name, ['GpUnit', found.index, 'Name']) };
  });

  const scope = gpUnits.get(election.ElectionScopeId);
  const definition = {
    format: ELECTION_DEFINITION_FORMAT,
    specVersion: SPEC_VERSION,
    electionId: electionId ?? nistElectionId(election),
    title: im.text(election.Name, [...base, 'Name']),
    date: election.StartDate,
    jurisdiction: {
      id: toId(election.ElectionScopeId),
      name:
        scope === undefined
          ? im.text(undefined, [...base, 'ElectionScopeId'])
          : im.text(scope.unit.Name, ['GpUnit', scope.index, 'Name']),
    },
    authority: settings.authority,
    precincts,
    ballotStyles,
    contests,
    candidates,
    guardians: settings.guardians,
    validators: settings.validators,
    pollWorkerCardIssuerKey: settings.pollWorkerCardIssuerKey,
  };
  if (im.errors.length > 0) return err(im.errors);
  // The assembled definition passes the same schema as a hand-written one: NIST
  // files can have dangling references and impossible vote-for counts too.
  return parseElectionDefinition(definition);
}
