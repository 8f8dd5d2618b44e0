/**
 * Every problem with an election package, an enrollment or a load attempt comes back
 * as one shape: where it is (a field path such as `contests[2].voteFor`), a stable
 * code, and a message in both kiosk languages. The station picks the language; the
 * CLI prints both.
 */
import type { Language } from '../api/station-api';

export type LocalizedText = { readonly ru: string; readonly en: string };

/** The English table defines the codes; the Russian one must have the same keys. */
const en = {
  // ---- shape of a field
  required: 'this field is required',
  'wrong-type': 'must be {expected}, not {received}',
  'unknown-field': 'unknown field: remove it or check its spelling',
  'too-long': 'is too long: at most {max} characters',
  'too-short': 'must not be empty',
  'blank-text': 'must contain visible text, not only spaces',
  'too-many-items': 'has too many entries: at most {max}',
  'too-few-items': 'needs at least {min} entries',
  'too-small': 'must be at least {min}',
  'too-large': 'must be at most {max}',
  'not-an-integer': 'must be a whole number',
  'bad-id':
    'is not a valid id: use 1 to 63 lowercase Latin letters, digits, ".", "_" or "-", starting with a letter or digit',
  'bad-date': 'must be a calendar date in the form YYYY-MM-DD',
  'bad-url': 'must be an http:// or https:// address',
  'invalid-value': 'must be one of: {values}',
  'bad-format': 'has the wrong format: {detail}',
  invalid: 'is not valid',
  // ---- keys and hashes
  'bad-verifier-key': 'is not a valid verifier key <name>+<key id>+<base64>: {reason}',
  'wrong-key-type': 'must be a key of type {expected}',
  'key-name-mismatch': 'the key is named "{keyName}" but belongs to "{name}": the names must match',
  'station-key-name-mismatch':
    'the key is named "{keyName}", but this station\'s key must be named "{name}": it was made for another election or station (make the station\'s key with `urna station provision`)',
  'duplicate-key': 'the same key is already used at {other}',
  'not-a-point': 'must be a ristretto255 group element: 32 bytes as unpadded base64url',
  'bad-hash': 'must be a SHA-256 hash: 32 bytes as unpadded base64url',
  // ---- cross references
  'duplicate-id': 'the id "{id}" is already used at {other}',
  'dangling-reference': 'refers to {kind} "{id}", which is not defined',
  'duplicate-reference': 'lists "{id}" more than once',
  'reserved-id': 'the id "{id}" is reserved for write-in lines',
  'vote-for-exceeds-choices': 'vote-for {voteFor} is more than the {choices} choices (candidates plus write-in lines)',
  'threshold-out-of-range': 'threshold {threshold} must be between 1 and {count}',
  'threshold-not-majority':
    'threshold {threshold} of {count} is not a majority: two conflicting histories could both be cosigned',
  'precinct-without-ballot-style': 'precinct "{id}" is on no ballot style, so its voters could not vote',
  // ---- packages, signatures, enrollment
  'package-too-large': 'the file is larger than {max} bytes',
  'not-json': 'the file is not valid JSON (UTF-8): {detail}',
  'not-signed': 'the package carries no signature of the election authority',
  'bad-signature': 'the signature does not verify: {detail}',
  'not-signed-by-authority': 'no signature by the pinned election authority key {keyId}',
  'hash-mismatch':
    'the signature covers base hash {signed}, but this definition hashes to {actual}: the package was altered',
  'election-mismatch': 'the signature is for election "{signed}", not "{actual}"',
  'authority-key-mismatch': 'the definition names authority key {named}, but the pinned key is {pinned}',
  'malformed-note': 'the signed note is malformed: {detail}',
  'bad-authority-key': 'the election authority key is not valid: {detail}',
  'unknown-precinct': 'precinct "{id}" is not in the election definition',
  // ---- the station's stored package
  'no-pinned-authority-key': 'no election authority key has been pinned at provisioning ({file})',
  'authority-key-already-pinned':
    'a different election authority key is already pinned; provisioning cannot be redone here',
  'polls-open-package-locked':
    'polls have opened with election package {loaded}; a different package ({offered}) cannot replace it',
  'storage-failed': 'could not read or write {file}: {detail}',
  // ---- the audio ballot
  'audio-missing': 'the package has no audio ballot: render it with `urna election audio`',
  'audio-phrase-missing':
    'no audio for phrase "{phrase}" in {language}: render the audio again with `urna election audio`',
  'audio-duplicate-phrase': 'phrase "{phrase}" has more than one clip in this language',
  'audio-clip-missing': 'the clip for phrase "{phrase}" ({language}) is missing: {file}',
  'audio-clip-mismatch':
    'the clip for phrase "{phrase}" ({language}) in {file} does not match the signed hash (its SHA-256 is {actual}): the audio was altered',
  'audio-clip-unplayable': 'the clip for phrase "{phrase}" ({language}) in {file} cannot be played: {detail}',
  // ---- NIST import
  'nist-unsupported': 'not supported by this importer: {detail}',
  'nist-missing-language': 'has no text in {language}',
} as const;

export type ElectionErrorCode = keyof typeof en;

export function isElectionErrorCode(code: string): code is ElectionErrorCode {
  return Object.prototype.hasOwnProperty.call(en, code);
}

const ru: Record<ElectionErrorCode, string> = {
  required: 'обязательное поле не заполнено',
  'wrong-type': 'должно быть {expected}, а не {received}',
  'unknown-field': 'неизвестное поле: удалите его или проверьте написание',
  'too-long': 'слишком длинное: не более {max} символов',
  'too-short': 'не может быть пустым',
  'blank-text': 'должно содержать видимый текст, а не только пробелы',
  'too-many-items': 'слишком много элементов: не более {max}',
  'too-few-items': 'нужно не менее {min} элементов',
  'too-small': 'должно быть не меньше {min}',
  'too-large': 'должно быть не больше {max}',
  'not-an-integer': 'должно быть целым числом',
  'bad-id':
    'недопустимый идентификатор: от 1 до 63 строчных латинских букв, цифр, «.», «_» или «-», первым — буква или цифра',
  'bad-date': 'должно быть датой в виде ГГГГ-ММ-ДД',
  'bad-url': 'должно быть адресом http:// или https://',
  'invalid-value': 'допустимые значения: {values}',
  'bad-format': 'неверный формат: {detail}',
  invalid: 'недопустимое значение',
  'bad-verifier-key': 'не является ключом проверки <имя>+<id ключа>+<base64>: {reason}',
  'wrong-key-type': 'должен быть ключом типа {expected}',
  'key-name-mismatch': 'ключ назван «{keyName}», а принадлежит «{name}»: имена должны совпадать',
  'station-key-name-mismatch':
    'ключ назван «{keyName}», а ключ этой станции должен называться «{name}»: он сделан для других выборов или другой станции (ключ станции создаёт `urna station provision`)',
  'duplicate-key': 'этот же ключ уже указан в {other}',
  'not-a-point': 'должно быть элементом группы ristretto255: 32 байта в base64url без дополнения',
  'bad-hash': 'должно быть хешем SHA-256: 32 байта в base64url без дополнения',
  'duplicate-id': 'идентификатор «{id}» уже использован в {other}',
  'dangling-reference': 'ссылается на {kind} «{id}», который не определён',
  'duplicate-reference': '«{id}» указан более одного раза',
  'reserved-id': 'идентификатор «{id}» зарезервирован для строк вписывания',
  'vote-for-exceeds-choices':
    'число отметок {voteFor} больше числа вариантов ({choices}: кандидаты и строки вписывания)',
  'threshold-out-of-range': 'порог {threshold} должен быть от 1 до {count}',
  'threshold-not-majority':
    'порог {threshold} из {count} — не большинство: две противоречащие истории могли бы обе получить подписи',
  'precinct-without-ballot-style':
    'участок «{id}» не входит ни в один вид бюллетеня, и его избиратели не смогут проголосовать',
  'package-too-large': 'файл больше {max} байт',
  'not-json': 'файл не является корректным JSON (UTF-8): {detail}',
  'not-signed': 'в пакете нет подписи избирательной комиссии',
  'bad-signature': 'подпись не проходит проверку: {detail}',
  'not-signed-by-authority': 'нет подписи закреплённым ключом избирательной комиссии {keyId}',
  'hash-mismatch': 'подпись заверяет базовый хеш {signed}, а хеш этого описания — {actual}: пакет изменён',
  'election-mismatch': 'подпись относится к выборам «{signed}», а не «{actual}»',
  'authority-key-mismatch': 'в описании указан ключ комиссии {named}, а закреплён ключ {pinned}',
  'malformed-note': 'подписанная запись повреждена: {detail}',
  'bad-authority-key': 'недопустимый ключ избирательной комиссии: {detail}',
  'unknown-precinct': 'участка «{id}» нет в описании выборов',
  'no-pinned-authority-key': 'ключ избирательной комиссии не закреплён при подготовке станции ({file})',
  'authority-key-already-pinned':
    'уже закреплён другой ключ избирательной комиссии; повторная подготовка здесь невозможна',
  'polls-open-package-locked':
    'голосование открыто с пакетом выборов {loaded}; другой пакет ({offered}) не может его заменить',
  'storage-failed': 'не удалось прочитать или записать {file}: {detail}',
  'audio-missing': 'в пакете нет голосового бюллетеня: подготовьте его командой `urna election audio`',
  'audio-phrase-missing':
    'нет звука для фразы «{phrase}» на языке {language}: подготовьте звук заново (`urna election audio`)',
  'audio-duplicate-phrase': 'у фразы «{phrase}» больше одной записи на этом языке',
  'audio-clip-missing': 'нет записи фразы «{phrase}» ({language}): {file}',
  'audio-clip-mismatch':
    'запись фразы «{phrase}» ({language}) в {file} не совпадает с подписанным хешем (её SHA-256 — {actual}): звук изменён',
  'audio-clip-unplayable': 'запись фразы «{phrase}» ({language}) в {file} нельзя воспроизвести: {detail}',
  'nist-unsupported': 'не поддерживается при импорте: {detail}',
  'nist-missing-language': 'нет текста на языке {language}',
};

const templates: Readonly<Record<Language, Readonly<Record<ElectionErrorCode, string>>>> = { en, ru };

/** Words that fill `{expected}`, `{received}` and `{kind}` in each language. */
const en_words = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
  undefined: 'nothing',
  precinct: 'the precinct',
  contest: 'the contest',
  candidate: 'the candidate',
  'ballot style': 'the ballot style',
  'Ed25519 (0x01)': 'Ed25519 (0x01)',
  'cosignature/v1 (0x04)': 'cosignature/v1 (0x04)',
} as const;
type Word = keyof typeof en_words;
const ru_words: Record<Word, string> = {
  string: 'текстом',
  number: 'числом',
  int: 'целым числом',
  boolean: 'true или false',
  object: 'объектом',
  array: 'списком',
  null: 'null',
  undefined: 'ничем',
  precinct: 'участок',
  contest: 'вопрос или выборы',
  candidate: 'кандидата',
  'ballot style': 'вид бюллетеня',
  'Ed25519 (0x01)': 'Ed25519 (0x01)',
  'cosignature/v1 (0x04)': 'cosignature/v1 (0x04)',
};
const words: Readonly<Record<Language, Readonly<Record<Word, string>>>> = { en: en_words, ru: ru_words };

function isWord(value: string): value is Word {
  return Object.prototype.hasOwnProperty.call(en_words, value);
}

export type ErrorParams = Readonly<Record<string, string | number>>;

export type ElectionError = {
  /** Where the problem is: `contests[2].voteFor`; empty for the file as a whole. */
  readonly path: string;
  readonly code: ElectionErrorCode;
  /** The values in the message (ids, limits), for programs that react to the error. */
  readonly params: ErrorParams;
  /** The whole sentence, naming the field, in each kiosk language. */
  readonly message: LocalizedText;
};

function fill(language: Language, code: ElectionErrorCode, params: ErrorParams): string {
  return templates[language][code].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    const text = String(value);
    return isWord(text) ? words[language][text] : text;
  });
}

/** A field's display name: the path, or "the file" when the problem is the whole document. */
function subject(language: Language, path: string): string {
  if (path !== '') return path;
  return language === 'ru' ? 'файл' : 'the file';
}

export function electionError(path: string, code: ElectionErrorCode, params: ErrorParams = {}): ElectionError {
  return {
    path,
    code,
    params,
    message: {
      en: `${subject('en', path)}: ${fill('en', code, params)}`,
      ru: `${subject('ru', path)}: ${fill('ru', code, params)}`,
    },
  };
}

/** `['contests', 2, 'voteFor']` → `contests[2].voteFor`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Places errors found inside a part of a larger document under that part's path. */
export function nestErrors(prefix: string, errors: readonly ElectionError[]): ElectionError[] {
  return errors.map((e) => {
    const path = e.path === '' ? prefix : e.path.startsWith('[') ? `${prefix}${e.path}` : `${prefix}.${e.path}`;
    return electionError(path, e.code, e.params);
  });
}

export function describeElectionErrors(errors: readonly ElectionError[], language: Language): string {
  return errors.map((e) => e.message[language]).join('\n');
}
