import type { Language } from '../api/station-api';

/** The printer states a poll worker can see; hardware/printer/status.ts must produce exactly these. */
export type PrinterState =
  | 'ready'
  | 'paper-near-end'
  | 'paper-out'
  | 'cover-open'
  | 'cutter-error'
  | 'head-or-mechanical-error'
  | 'head-overheated'
  | 'offline'
  | 'disconnected';

/**
 * What the poll worker is told, in Russian and English, for every device state and
 * every card failure. It lives in core/ because both the kiosk screens and main
 * (reports, logs) show it. The UI picks the table by language and the entry by state.
 */
export type { Language };

export type CardReaderMessageKey =
  'disconnected' | 'no-card' | 'card-present' | 'card-unreadable' | 'card-unresponsive';

export type CardFailureMessageKey =
  | 'wrong-pin'
  | 'card-locked'
  | 'card-not-genuine'
  | 'certificate-invalid'
  | 'wrong-card-role'
  | 'token-missing'
  | 'token-invalid'
  | 'token-already-used'
  | 'card-error';

export type HardwareMessages = {
  readonly printer: Record<PrinterState, string>;
  readonly cardReader: Record<CardReaderMessageKey, string>;
  /** `{remaining}` is replaced by the number of PIN attempts left. */
  readonly card: Record<CardFailureMessageKey, string>;
};

export const hardwareMessages: Record<Language, HardwareMessages> = {
  en: {
    printer: {
      ready: 'The printer is ready.',
      'paper-near-end': 'The paper roll is nearly finished: have a new roll ready.',
      'paper-out': 'Paper is out: open the cover and load a new roll.',
      'cover-open': 'The printer cover is open: close it firmly.',
      'cutter-error': 'The paper cutter is jammed: open the cover, remove the jammed paper, and close the cover.',
      'head-or-mechanical-error':
        'The printer has a mechanical or print head fault: switch it off and on; if it persists, call technical support.',
      'head-overheated':
        'The print head is too hot and the printer has paused: wait a few minutes for it to cool; it goes on by itself. Do not switch it off.',
      offline: 'The printer is offline: check that it is switched on and not paused.',
      disconnected: 'The printer is not connected or not answering: check the cable and the power switch.',
    },
    cardReader: {
      disconnected: 'The card reader is not connected: check its cable.',
      'no-card': 'Insert a card.',
      'card-present': 'A card is in the reader.',
      'card-unreadable':
        'The card cannot be read: take it out and insert it the other way round, chip first and facing up.',
      'card-unresponsive':
        'The card does not respond: take it out and insert it again; if that fails, use another card.',
    },
    card: {
      'wrong-pin': 'Wrong PIN. Attempts left: {remaining}.',
      'card-locked': 'This card is locked after too many wrong PINs: the election official must issue a new card.',
      'card-not-genuine':
        'This card failed the authenticity check and cannot be used. Report it to the election official.',
      'certificate-invalid': 'This card was not issued for this election and cannot be used.',
      'wrong-card-role': 'This card cannot be used for this action.',
      'token-missing': 'This card holds no ballot activation.',
      'token-invalid': 'The ballot activation on this card is not valid. Ask the poll worker to issue a new one.',
      'token-already-used': 'This ballot activation has already been used. Ask the poll worker.',
      'card-error': 'The card returned an error: take it out and try again.',
    },
  },
  ru: {
    printer: {
      ready: 'Принтер готов к работе.',
      'paper-near-end': 'Бумага заканчивается: приготовьте новый рулон.',
      'paper-out': 'Закончилась бумага: откройте крышку и вставьте новый рулон.',
      'cover-open': 'Крышка принтера открыта: плотно закройте её.',
      'cutter-error': 'Заело отрезчик бумаги: откройте крышку, уберите застрявшую бумагу и закройте крышку.',
      'head-or-mechanical-error':
        'Неисправность механизма или печатающей головки: выключите и включите принтер; если не помогло, вызовите техническую поддержку.',
      'head-overheated':
        'Печатающая головка перегрелась, печать приостановлена: подождите несколько минут, пока она остынет; принтер продолжит сам. Не выключайте его.',
      offline: 'Принтер не в сети: проверьте, что он включён и не приостановлен.',
      disconnected: 'Принтер не подключён или не отвечает: проверьте кабель и выключатель питания.',
    },
    cardReader: {
      disconnected: 'Считыватель карт не подключён: проверьте кабель.',
      'no-card': 'Вставьте карту.',
      'card-present': 'В считывателе карта.',
      'card-unreadable': 'Карту не удаётся прочитать: выньте её и вставьте другой стороной, чипом вперёд и вверх.',
      'card-unresponsive': 'Карта не отвечает: выньте её и вставьте снова; если не помогло, используйте другую карту.',
    },
    card: {
      'wrong-pin': 'Неверный PIN-код. Осталось попыток: {remaining}.',
      'card-locked': 'Карта заблокирована после неверных PIN-кодов: организатор выборов должен выдать новую карту.',
      'card-not-genuine':
        'Карта не прошла проверку подлинности и не может быть использована. Сообщите организатору выборов.',
      'certificate-invalid': 'Эта карта выпущена не для этих выборов и не может быть использована.',
      'wrong-card-role': 'Эту карту нельзя использовать для этого действия.',
      'token-missing': 'На карте нет активации бюллетеня.',
      'token-invalid': 'Активация бюллетеня на карте недействительна. Попросите члена комиссии выдать новую.',
      'token-already-used': 'Эта активация бюллетеня уже использована. Обратитесь к члену комиссии.',
      'card-error': 'Карта вернула ошибку: выньте её и попробуйте снова.',
    },
  },
};

export function printerMessage(language: Language, state: PrinterState): string {
  return hardwareMessages[language].printer[state];
}

export function cardFailureMessage(language: Language, key: CardFailureMessageKey, remaining?: number): string {
  return hardwareMessages[language].card[key].replace('{remaining}', String(remaining ?? 0));
}
