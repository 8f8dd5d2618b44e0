/** The self-test's findings and device states in words: a Russian screen shows no English state name. */
import { describe, expect, it } from 'vitest';
import { SELF_TEST_CHECKS } from '../../../core/api/station-api';
import { deviceText, selfTestDetail } from '../../../core/i18n/desk-text';
import { hardwareMessages } from '../../../core/i18n/hardware';

const FINDINGS: Readonly<Record<(typeof SELF_TEST_CHECKS)[number], readonly string[]>> = {
  election: ['verified', 'missing', 'invalid'],
  printer: ['ready', 'paper-out', 'head-overheated', 'not-configured'],
  'card-reader': ['no-card', 'disconnected', 'not-configured'],
  ledger: ['12/7'],
  'pollbook-key': ['ok', 'missing', 'mismatch', 'no-election'],
};

describe('self-test findings', () => {
  it('are words in Russian, with no raw state name or Latin letters', () => {
    for (const check of SELF_TEST_CHECKS)
      for (const detail of FINDINGS[check]) {
        const ru = selfTestDetail('ru', check, detail);
        expect(ru, `${check}: ${detail}`).not.toMatch(/[A-Za-z]/);
        expect(selfTestDetail('en', check, detail)).not.toBe(detail);
      }
    expect(selfTestDetail('ru', 'ledger', '12/7')).toBe('журнал бюллетеней: записей 12; журнал явки: записей 7');
  });

  it('name an unknown finding as unknown rather than passing it off as a message', () => {
    expect(selfTestDetail('en', 'election', 'strange')).toBe('Unknown state: strange');
    expect(deviceText('ru', 'printer', 'head-overheated')).toBe(hardwareMessages.ru.printer['head-overheated']);
  });
});
