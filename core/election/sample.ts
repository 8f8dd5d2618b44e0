/**
 * A realistic bilingual sample election for demonstrations, tests and training:
 * a charter (constitutional) yes/no question, a single-seat council race (vote for
 * 1 of 6), a three-seat council race (vote for 3 of 8, one write-in line), and two
 * precincts that receive different ballot styles. The jurisdiction, parties and
 * people are fictional.
 *
 * The keys are inputs, not constants: whoever makes a sample also holds its secrets.
 */
import type { ElectionId } from '../ids';
import type { Bytes } from '../encoding/bytes';
import { pollBookKeyId, voterHash } from './pollbook';
import type { Result } from '../result';
import { ELECTION_DEFINITION_FORMAT, parseElectionDefinition, type ElectionDefinition } from './definition';
import { SPEC_VERSION } from '../spec-version';
import type { ElectionError } from './errors';

export type SampleKeys = {
  /** The election authority's Ed25519 verifier key. */
  readonly authorityVerifierKey: string;
  readonly pollWorkerCardIssuerKey: string;
  /** Three validators, each a cosignature (0x04) verifier key named as in `name`. */
  readonly validators: readonly { readonly name: string; readonly verifierKey: string; readonly url: string }[];
  readonly jointPublicKey: string;
  readonly ceremonyRecordHash: string;
  readonly guardians: { readonly count: number; readonly threshold: number };
  /** The fewest cast ballots behind a published total (default 10). */
  readonly minimumPublishedCount?: number;
  /**
   * The poll-book HMAC key: when given, each precinct carries the signed voter
   * list of SAMPLE_VOTER_IDS as keyed hashes, and the package commits to the key.
   */
  readonly pollBookKey?: Bytes;
};

/**
 * The sample's fictional voter roll, by precinct: ids as a poll worker would type
 * them from a voter's registration card. Public on purpose (training and demos).
 */
export const SAMPLE_VOTER_IDS: Readonly<Record<'uik-1201' | 'uik-1202', readonly string[]>> = {
  'uik-1201': Array.from({ length: 12 }, (_, i) => `1201-${String(i + 1).padStart(4, '0')}`),
  'uik-1202': Array.from({ length: 12 }, (_, i) => `1202-${String(i + 1).padStart(4, '0')}`),
};

type Person = readonly [id: string, ru: string, en: string, partyRu: string, partyEn: string];

const PARTIES = {
  green: ['Партия зелёных городов', 'Green Cities Party'],
  local: ['Союз за местное самоуправление', 'Union for Local Self-Government'],
  people: ['Народная платформа', "People's Platform"],
  labour: ['Партия труда и справедливости', 'Labour and Justice Party'],
  self: ['Самовыдвижение', 'Self-nominated'],
} as const;

function person(id: string, ru: string, en: string, party: keyof typeof PARTIES): Person {
  return [id, ru, en, PARTIES[party][0], PARTIES[party][1]];
}

const DISTRICT_3: readonly Person[] = [
  person('belova-anna', 'Белова Анна Сергеевна', 'Anna Sergeyevna Belova', 'green'),
  person('voronin-pavel', 'Воронин Павел Игоревич', 'Pavel Igorevich Voronin', 'local'),
  person('gusejnova-leyla', 'Гусейнова Лейла Рашидовна', 'Leyla Rashidovna Guseynova', 'people'),
  person('zhukov-dmitry', 'Жуков Дмитрий Александрович', 'Dmitry Alexandrovich Zhukov', 'labour'),
  person('kim-viktoria', 'Ким Виктория Олеговна', 'Viktoria Olegovna Kim', 'self'),
  person('sokolov-yuri', 'Соколов Юрий Николаевич', 'Yuri Nikolayevich Sokolov', 'self'),
];

const DISTRICT_1: readonly Person[] = [
  person('aleksandrova-maria', 'Александрова Мария Викторовна', 'Maria Viktorovna Alexandrova', 'green'),
  person('bogdanov-ilya', 'Богданов Илья Петрович', 'Ilya Petrovich Bogdanov', 'local'),
  person('grigoryeva-olga', 'Григорьева Ольга Андреевна', 'Olga Andreyevna Grigoryeva', 'local'),
  person('demidov-artem', 'Демидов Артём Валерьевич', 'Artyom Valeryevich Demidov', 'people'),
  person('efimova-natalia', 'Ефимова Наталья Борисовна', 'Natalia Borisovna Yefimova', 'labour'),
  person('zaitsev-roman', 'Зайцев Роман Евгеньевич', 'Roman Yevgenyevich Zaitsev', 'labour'),
  person('ivanova-svetlana', 'Иванова Светлана Михайловна', 'Svetlana Mikhailovna Ivanova', 'self'),
  person('lebedev-konstantin', 'Лебедев Константин Фёдорович', 'Konstantin Fyodorovich Lebedev', 'self'),
];

export const SAMPLE_ELECTION_ID = 'svetlogorye-2026-09' as ElectionId;

/** The sample definition, validated: it fails only if one of the given keys is malformed. */
export function sampleElectionDefinition(keys: SampleKeys): Result<ElectionDefinition, ElectionError[]> {
  const candidates = [...DISTRICT_3, ...DISTRICT_1].map(([id, ru, en, partyRu, partyEn]) => ({
    id,
    name: { ru, en },
    affiliation: { ru: partyRu, en: partyEn },
  }));
  const key = keys.pollBookKey;
  const voterList = (precinctId: keyof typeof SAMPLE_VOTER_IDS) =>
    key === undefined
      ? {}
      : { voterList: SAMPLE_VOTER_IDS[precinctId].map((voterId) => voterHash(key, SAMPLE_ELECTION_ID, voterId)) };
  const definition = {
    format: ELECTION_DEFINITION_FORMAT,
    specVersion: SPEC_VERSION,
    electionId: SAMPLE_ELECTION_ID,
    title: {
      ru: 'Выборы депутатов Совета депутатов городского округа Светлогорье и местный референдум',
      en: 'Svetlogorye City Council election and local referendum',
    },
    date: '2026-09-20',
    jurisdiction: {
      id: 'svetlogorye',
      name: { ru: 'Городской округ Светлогорье', en: 'Svetlogorye city district' },
    },
    authority: {
      name: { ru: 'Избирательная комиссия городского округа Светлогорье', en: 'Svetlogorye City Election Commission' },
      verifierKey: keys.authorityVerifierKey,
    },
    precincts: [
      {
        id: 'uik-1201',
        name: {
          ru: 'Участковая избирательная комиссия № 1201 (школа № 14, ул. Садовая, 7)',
          en: 'Precinct 1201 (School No. 14, 7 Sadovaya St.)',
        },
        ...voterList('uik-1201'),
      },
      {
        id: 'uik-1202',
        name: {
          ru: 'Участковая избирательная комиссия № 1202 (Дом культуры «Маяк», пр. Мира, 31)',
          en: 'Precinct 1202 ("Mayak" Community Centre, 31 Mira Ave.)',
        },
        ...voterList('uik-1202'),
      },
    ],
    ballotStyles: [
      { id: 'style-district-3', precinctIds: ['uik-1201'], contestIds: ['charter-amendment', 'council-district-3'] },
      { id: 'style-district-1', precinctIds: ['uik-1202'], contestIds: ['charter-amendment', 'council-district-1'] },
    ],
    contests: [
      {
        type: 'yes-no',
        id: 'charter-amendment',
        title: { ru: 'Поправка к Уставу городского округа', en: 'Amendment to the City Charter' },
        question: {
          ru: 'Одобряете ли вы поправку к статье 12 Устава городского округа Светлогорье, по которой одно и то же лицо не может занимать должность главы городского округа более двух сроков подряд?',
          en: 'Do you approve the amendment to Article 12 of the Charter of the Svetlogorye city district, under which no person may hold the office of head of the city district for more than two consecutive terms?',
        },
        yes: { id: 'charter-yes', label: { ru: 'Да', en: 'Yes' } },
        no: { id: 'charter-no', label: { ru: 'Нет', en: 'No' } },
      },
      {
        type: 'candidate',
        id: 'council-district-3',
        title: { ru: 'Депутат Совета депутатов', en: 'City Council member' },
        subtitle: { ru: 'Одномандатный избирательный округ № 3', en: 'Single-seat electoral district No. 3' },
        voteFor: 1,
        writeInLines: 0,
        candidateIds: DISTRICT_3.map(([id]) => id),
      },
      {
        type: 'candidate',
        id: 'council-district-1',
        title: { ru: 'Депутаты Совета депутатов', en: 'City Council members' },
        subtitle: { ru: 'Трёхмандатный избирательный округ № 1', en: 'Three-seat electoral district No. 1' },
        voteFor: 3,
        writeInLines: 1,
        candidateIds: DISTRICT_1.map(([id]) => id),
      },
    ],
    candidates,
    guardians: {
      count: keys.guardians.count,
      threshold: keys.guardians.threshold,
      jointPublicKey: keys.jointPublicKey,
      ceremonyRecordHash: keys.ceremonyRecordHash,
    },
    validators: {
      threshold: Math.floor(keys.validators.length / 2) + 1,
      members: keys.validators.map((v) => ({ name: v.name, verifierKey: v.verifierKey, url: v.url })),
    },
    pollWorkerCardIssuerKey: keys.pollWorkerCardIssuerKey,
    minimumPublishedCount: keys.minimumPublishedCount ?? 10,
    ...(key === undefined ? {} : { pollBookKeyId: pollBookKeyId(key) }),
  };
  return parseElectionDefinition(definition);
}
