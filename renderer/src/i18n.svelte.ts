import type { Language } from '../../core/api/station-api';
import { translate, type MessageKey } from '../../core/i18n/messages';
import type { LocalizedText } from '../../core/api/ballot';

/** The language the screens are shown in; main owns the setting, this mirrors it. */
export const locale = $state<{ language: Language }>({ language: 'ru' });

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return translate(locale.language, key, params);
}

/** Text the election package gives in both languages (names, titles, questions). */
export function localized(text: LocalizedText): string {
  return text[locale.language];
}
