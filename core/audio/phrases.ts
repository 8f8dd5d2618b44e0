/**
 * Every phrase the audio ballot can say, named. Fixed text is pre-rendered into the
 * election package (core/audio/manifest.ts); what is known only while voting (a
 * number, a write-in name, a confirmation code) is said with the pre-rendered
 * numbers and characters, so the kiosk never synthesizes speech.
 *
 * A message with `{placeholders}` is split at them: `msg:<key>#0`, `msg:<key>#1`, …
 * are its pieces of text, and the screens put numbers, characters or contest
 * titles between them.
 */
import type { Language } from '../api/station-api';
import { LANGUAGES } from '../api/station-api';
import type { ElectionDefinition } from '../election/definition';
import { messages, type MessageKey } from '../i18n/messages';

/**
 * The message keys a voter can hear: everything on the voter's screens, not the
 * poll worker's, the status screen's or the paper's. A new key under one of
 * these prefixes needs audio (test/unit/audio/phrases.test.ts).
 */
const VOTER_PREFIXES = [
  'audio.',
  'language.',
  'nav.',
  'contest.',
  'keyboard.',
  'review.',
  'confirm.',
  'challenge.',
  'challenged.',
  'printing.',
  'failed.heading',
  'failed.body',
  'recording.heading',
  'recording.body',
  'done.',
  'inactivity.',
  'error.generic',
  'waiting.heading',
  'waiting.body',
  'settings.',
] as const;

export function isVoterMessage(key: string): key is MessageKey {
  return VOTER_PREFIXES.some((prefix) => key === prefix || (prefix.endsWith('.') && key.startsWith(prefix)));
}

export function voterMessageKeys(): MessageKey[] {
  return (Object.keys(messages.en) as MessageKey[]).filter(isVoterMessage);
}

export type MessagePart = { readonly text: string; readonly phrase: string } | { readonly slot: string };

/** A message template cut at its placeholders; pieces without a letter or digit are dropped. */
export function messageParts(key: MessageKey, language: Language): MessagePart[] {
  const template = messages[language][key];
  const pieces = template.split(/\{(\w+)\}/u);
  const single = pieces.length === 1;
  const parts: MessagePart[] = [];
  let n = 0;
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) parts.push({ slot: piece });
    else {
      const index = n++;
      const text = piece.trim();
      if (/[\p{L}\p{N}]/u.test(text)) parts.push({ text, phrase: single ? `msg:${key}` : `msg:${key}#${index}` });
    }
  });
  return parts;
}

/** Characters a write-in name or a confirmation code can contain, each said on its own. */
export const SPOKEN_CHARACTERS = [
  ...'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'0123456789',
  ' ',
  '-',
  "'",
  '.',
] as const;

/** Russian letters by their names (a lone "и" is heard as the word "and"). */
const RUSSIAN_LETTER_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  // prettier-ignore
  ['а', 'бэ', 'вэ', 'гэ', 'дэ', 'е', 'ё', 'жэ', 'зэ', 'и', 'и краткое', 'ка', 'эль', 'эм', 'эн', 'о', 'пэ', 'эр', 'эс',
    'тэ', 'у', 'эф', 'ха', 'цэ', 'че', 'ша', 'ща', 'твёрдый знак', 'ы', 'мягкий знак', 'э', 'ю', 'я',
  ].map((name, i) => ['АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ'.charAt(i), name]),
);

const SIGN_NAMES: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: { ' ': 'space', '-': 'hyphen', "'": 'apostrophe', '.': 'full stop' },
  ru: { ' ': 'пробел', '-': 'дефис', "'": 'апостроф', '.': 'точка' },
};

/** How a character is said on a ballot in `language`: a Russian letter by its Russian name, a Latin one by its English name. */
function characterSpeech(character: string, language: Language): { text: string; voice: Language } {
  const russian = RUSSIAN_LETTER_NAMES[character];
  if (russian !== undefined) return { text: russian, voice: 'ru' };
  if (/[A-Z]/u.test(character)) return { text: character.toLowerCase(), voice: 'en' };
  return { text: SIGN_NAMES[language][character] ?? character, voice: language };
}

export function characterPhrase(character: string): string {
  return `char:${character.toUpperCase()}`;
}

/** Numbers said as words (choices left, contest n of total, seconds left): 0 to 19 and the tens, which make up 0 to 99. */
export const SPOKEN_NUMBERS = [...Array.from({ length: 20 }, (_, i) => i), 20, 30, 40, 50, 60, 70, 80, 90] as const;
export const MAX_SPOKEN_NUMBER = 99;

/** The number phrases that say `n` (0 to 99): "forty", "five". */
export function numberPhrases(n: number): string[] {
  const value = Math.max(0, Math.min(MAX_SPOKEN_NUMBER, Math.round(n)));
  if (value < 20 || value % 10 === 0) return [`number:${value}`];
  return [`number:${value - (value % 10)}`, `number:${value % 10}`];
}

export type RequiredPhrase = {
  readonly phrase: string;
  readonly language: Language;
  readonly text: string;
  /** The voice to say it in: the ballot's language, except a language's own name, said in that language. */
  readonly voice: Language;
};

export function contestTitlePhrase(contestId: string): string {
  return `contest:${contestId}:title`;
}
export function contestDescriptionPhrase(contestId: string): string {
  return `contest:${contestId}:description`;
}
export function optionPhrase(contestId: string, selectionId: string): string {
  return `option:${contestId}:${selectionId}`;
}

/**
 * Every phrase the audio ballot of this election needs, with the text to speak.
 * Contest and option phrases match the ballot view (core/api/ballot.ts): a
 * candidate contest's description is its district line, a yes/no contest's its
 * question; a candidate is said with the party.
 */
export function requiredPhrases(definition: ElectionDefinition): RequiredPhrase[] {
  const out: RequiredPhrase[] = [];
  const candidates = new Map(definition.candidates.map((c) => [c.id, c]));
  for (const language of LANGUAGES) {
    const add = (phrase: string, text: string, voice: Language = language) =>
      out.push({ phrase, language, text, voice });
    for (const key of voterMessageKeys()) {
      const own = LANGUAGES.find((l) => key === `language.${l}`);
      if (own !== undefined) add(`msg:${key}`, messages[own][key], own);
      else for (const part of messageParts(key, language)) if ('text' in part) add(part.phrase, part.text);
    }
    for (const character of SPOKEN_CHARACTERS) {
      const said = characterSpeech(character, language);
      add(characterPhrase(character), said.text, said.voice);
    }
    for (const n of SPOKEN_NUMBERS) add(`number:${n}`, String(n));
    for (const contest of definition.contests) {
      add(contestTitlePhrase(contest.id), contest.title[language]);
      if (contest.type === 'yes-no') {
        add(contestDescriptionPhrase(contest.id), contest.question[language]);
        add(optionPhrase(contest.id, contest.yes.id), contest.yes.label[language]);
        add(optionPhrase(contest.id, contest.no.id), contest.no.label[language]);
      } else {
        add(contestDescriptionPhrase(contest.id), contest.subtitle[language]);
        for (const id of contest.candidateIds) {
          const candidate = candidates.get(id);
          if (candidate === undefined) continue;
          add(optionPhrase(contest.id, id), `${candidate.name[language]}, ${candidate.affiliation[language]}`);
        }
      }
    }
  }
  return out;
}
