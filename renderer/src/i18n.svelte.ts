import type { Language } from '../../core/api/station-api';
import { translate, type MessageKey } from '../../core/i18n/messages';

/** The language the screens are shown in; main owns the setting, this mirrors it. */
export const locale = $state<{ language: Language }>({ language: 'ru' });

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return translate(locale.language, key, params);
}
