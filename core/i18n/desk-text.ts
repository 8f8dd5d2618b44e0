/**
 * Words for what the station reports as state names: a device's state and a
 * self-test check's finding. The screens show these, never the names themselves
 * (a Russian screen must not show `paper-out` or `verified`).
 */
import type { Language, SelfTestCheck } from '../api/station-api';
import { hardwareMessages } from './hardware';
import { translate, type MessageKey } from './messages';

/** The poll worker's message for a device state; a state the table lacks is named as unknown. */
export function deviceText(language: Language, kind: 'printer' | 'cardReader', state: string): string {
  if (state === 'not-configured') return translate(language, 'device.not-configured');
  const table: Readonly<Record<string, string>> = hardwareMessages[language][kind];
  return table[state] ?? translate(language, 'device.unknown', { state });
}

const ELECTION_FINDINGS: Readonly<Record<string, MessageKey>> = {
  verified: 'pw.selfTest.election.verified',
  missing: 'pw.selfTest.election.missing',
  invalid: 'pw.selfTest.election.invalid',
};

const POLLBOOK_KEY_FINDINGS: Readonly<Record<string, MessageKey>> = {
  ok: 'pw.pollbookKey.ok',
  missing: 'pw.pollbookKey.missing',
  mismatch: 'pw.pollbookKey.mismatch',
  'no-election': 'pw.pollbookKey.no-election',
};

/** A self-test check's finding (main/station/setup.ts) in words. */
export function selfTestDetail(language: Language, check: SelfTestCheck, detail: string): string {
  const unknown = (): string => translate(language, 'device.unknown', { state: detail });
  const named = (table: Readonly<Record<string, MessageKey>>): string => {
    const key = table[detail];
    return key === undefined ? unknown() : translate(language, key);
  };
  switch (check) {
    case 'election':
      return named(ELECTION_FINDINGS);
    case 'printer':
      return deviceText(language, 'printer', detail);
    case 'card-reader':
      return deviceText(language, 'cardReader', detail);
    case 'ledger': {
      const [ballots, pollbook] = detail.split('/');
      if (ballots === undefined || pollbook === undefined) return unknown();
      return translate(language, 'pw.selfTest.ledger.detail', { ballots, pollbook });
    }
    case 'pollbook-key':
      return named(POLLBOOK_KEY_FINDINGS);
  }
}
