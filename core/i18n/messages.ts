/**
 * Every user-facing string, in Russian and English. The English table defines
 * the keys; the Russian one must have exactly the same keys, so a missing
 * translation fails the typecheck.
 */
import type { Language } from '../api/station-api';

const en = {
  'app.title': 'Urna voting station',
  'status.heading': 'Station status',
  'status.stationId': 'Station',
  'status.mode': 'Mode',
  'status.mode.demo': 'Demonstration',
  'status.mode.production': 'Election',
  'status.electionBaseHash': 'Election base hash',
  'status.electionBaseHash.none': 'No election loaded',
  'status.polls': 'Polls',
  'status.printer': 'Receipt printer',
  'status.cardReader': 'Card reader',
  'status.ledger': 'Ledger',
  'status.ledger.ballots': 'Ballot log entries',
  'status.ledger.pollbook': 'Poll-book log entries',
  'status.loading': 'Connecting to the station…',
  'status.error': 'The station did not answer: {message}',
  'polls.setup': 'Setup: no election loaded',
  'polls.polls-closed-initial': 'Polls not yet open',
  'polls.polls-open': 'Polls open',
  'polls.polls-paused': 'Polls paused',
  'polls.polls-closed-final': 'Polls closed',
  'device.not-configured': 'Not configured',
  'device.unknown': 'Unknown state: {state}',
  'language.ru': 'Русский',
  'language.en': 'English',
} as const;

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'app.title': 'Избирательная станция «Урна»',
  'status.heading': 'Состояние станции',
  'status.stationId': 'Станция',
  'status.mode': 'Режим',
  'status.mode.demo': 'Демонстрация',
  'status.mode.production': 'Выборы',
  'status.electionBaseHash': 'Базовый хеш выборов',
  'status.electionBaseHash.none': 'Выборы не загружены',
  'status.polls': 'Голосование',
  'status.printer': 'Принтер чеков',
  'status.cardReader': 'Считыватель карт',
  'status.ledger': 'Журнал',
  'status.ledger.ballots': 'Записей в журнале бюллетеней',
  'status.ledger.pollbook': 'Записей в журнале явки',
  'status.loading': 'Подключение к станции…',
  'status.error': 'Станция не ответила: {message}',
  'polls.setup': 'Настройка: выборы не загружены',
  'polls.polls-closed-initial': 'Голосование ещё не открыто',
  'polls.polls-open': 'Голосование открыто',
  'polls.polls-paused': 'Голосование приостановлено',
  'polls.polls-closed-final': 'Голосование закрыто',
  'device.not-configured': 'Не настроен',
  'device.unknown': 'Неизвестное состояние: {state}',
  'language.ru': 'Русский',
  'language.en': 'English',
};

export const messages: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, ru };

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Looks up a message and fills `{name}` placeholders. */
export function translate(language: Language, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return messages[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
