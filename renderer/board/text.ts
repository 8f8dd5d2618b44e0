/** The board page's words, Russian and English; every key in both. */
export type Language = 'ru' | 'en';

const TEXT = {
  title: { ru: 'Доска бюллетеней выборов', en: 'Election bulletin board' },
  language: { ru: 'English', en: 'Русский' },
  languageLabel: { ru: 'Switch to English', en: 'Переключить на русский' },
  checkHeading: { ru: 'Проверить свой бюллетень', en: 'Check your ballot' },
  codeLabel: { ru: 'Код подтверждения с квитанции', en: 'Confirmation code from your receipt' },
  codeHint: {
    ru: '8 знаков, напечатанных крупно (например CMY3-8N13), или полный код из QR-кода.',
    en: 'The 8 characters printed large (like CMY3-8N13), or the full code from the QR code.',
  },
  check: { ru: 'Проверить', en: 'Check' },
  checking: { ru: 'Проверяем доказательства в этом браузере…', en: 'Checking the proofs in this browser…' },
  badCode: {
    ru: 'Это не код подтверждения. Введите 8 знаков с квитанции.',
    en: 'That is not a confirmation code. Type the 8 characters from your receipt.',
  },
  notFound: {
    ru: 'Бюллетеня с таким кодом на доске нет (или он ещё не передан). Проверьте код; если участок ещё работает, попробуйте позже.',
    en: 'No ballot with this code is on the board (or it has not been sent yet). Check the code; if the polling station is still open, try again later.',
  },
  ambiguous: {
    ru: 'Этот короткий код есть у нескольких бюллетеней. Введите полный код из QR-кода квитанции.',
    en: 'Several ballots have this short code. Type the full code from the QR code on your receipt.',
  },
  failedTitle: { ru: 'Проверка НЕ пройдена', en: 'The check FAILED' },
  failed: {
    ru: 'Доска показала доказательства, которые не сходятся. Бюллетень не подтверждён. Сообщите об этом избирательной комиссии.',
    en: 'The board showed proofs that do not check out. The ballot is NOT confirmed. Tell the election commission.',
  },
  someFailed: {
    ru: 'Внимание: один из валидаторов показал доказательства, которые не сходятся (см. ниже). Сообщите об этом избирательной комиссии.',
    en: 'Warning: a validator showed proofs that do not check out (see below). Tell the election commission.',
  },
  confirmedTitle: { ru: 'Бюллетень записан', en: 'Your ballot is recorded' },
  partialTitle: { ru: 'Бюллетень записан, но ещё не окончательно', en: 'Your ballot is recorded, not yet final' },
  checkedHere: {
    ru: 'Этот браузер сам проверил: запись бюллетеня в подписанном журнале участка, подпись участка и подписи валидаторов — по ключам из подписанного пакета выборов.',
    en: "This browser checked it itself: the ballot's place in the polling station's signed log, the station's signature and the validators' cosignatures, against keys from the signed election package.",
  },
  baseHash: { ru: 'Пакет выборов, базовый хеш', en: 'Election package, base hash' },
  boards: { ru: 'Что ответил каждый валидатор', en: 'What each validator answered' },
  boardVerified: { ru: 'подтвердил', en: 'confirmed' },
  boardNotFound: { ru: 'пока не знает этот бюллетень', en: 'does not know this ballot yet' },
  boardUnreachable: { ru: 'не ответил', en: 'did not answer' },
  boardFailed: { ru: 'доказательство НЕ сошлось', en: 'proof FAILED' },
  choicesTitle: {
    ru: 'Выбор, который зашифровал участок (пересчитан в этом браузере)',
    en: 'The choices the station encrypted (recomputed in this browser)',
  },
  choicesHint: {
    ru: 'Сравните с тем, что вы выбрали. Этот бюллетень не учитывается; если выбор не совпадает, сообщите членам комиссии.',
    en: 'Compare them with what you chose. This ballot is not counted; if the choices differ, tell the poll workers.',
  },
  choicesFailed: {
    ru: 'Опубликованный выбор НЕ совпадает с зашифрованным бюллетенем',
    en: 'The published choices do NOT match the encrypted ballot',
  },
  none: { ru: 'ничего не отмечено', en: 'nothing marked' },
  observerHeading: { ru: 'Для наблюдателей: все участки', en: 'For observers: every polling station' },
  station: { ru: 'Участок', en: 'Station' },
  log: { ru: 'Журнал', en: 'Log' },
  entries: { ru: 'Записей', en: 'Entries' },
  polls: { ru: 'Голосование', en: 'Polls' },
  frozen: { ru: 'Заморожен', en: 'Frozen' },
  yes: { ru: 'да (доказательство раздвоения)', en: 'yes (fork evidence)' },
  no: { ru: 'нет', en: 'no' },
  evidence: { ru: 'Доказательств нарушений', en: 'Evidence of misbehaviour' },
  totalsNote: {
    ru: 'Зашифрованные суммы по участкам: /urna/v1/totals. После подсчёта — результаты и запись выборов; проверить: urna verify ПАПКА.',
    en: 'Encrypted running totals per station: /urna/v1/totals. After the tally: the results and the election record; verify it with urna verify DIR.',
  },
  loadFailed: { ru: 'Не удалось загрузить список участков', en: 'Could not load the list of stations' },
} as const satisfies Record<string, Record<Language, string>>;

export type TextKey = keyof typeof TEXT;

export function text(language: Language, key: TextKey): string {
  return TEXT[key][language];
}
