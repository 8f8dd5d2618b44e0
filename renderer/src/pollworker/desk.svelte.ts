/**
 * What every poll-worker screen shares: the one request in flight, and what the
 * last one came to (a notice, rendered in the desk's current language). Main
 * decides everything; a screen only sends the poll worker's request and shows the
 * answer.
 */
import type { ApiError, ApiResult, StationStatus } from '../../../core/api/station-api';
import { deviceText } from '../../../core/i18n/desk-text';
import { refusalMessage } from '../../../core/i18n/refusals';
import { locale, t } from '../i18n.svelte';

/** What the last action came to; `text` is read at render time, so a change of language translates it. */
export type Notice = { readonly tone: 'ok' | 'problem'; readonly text: () => string; readonly testId: string };

/** The poll worker's tasks, one screen each. */
export type DeskTask = 'check-in' | 'polls' | 'recovery' | 'setup';

/** The station's typed refusal, in words (core/i18n/refusals.ts); `message` is never read for this. */
export function refusalText(error: ApiError): string {
  if (error.refusal !== undefined) return t(refusalMessage(error.refusal));
  if (error.code === 'not-authorized') return t('pw.error.not-authorized');
  return t('pw.error.generic', { reason: error.code });
}

export function refusalTestId(error: ApiError): string {
  switch (error.refusal?.kind) {
    case 'check-in-refused':
      return 'check-in-refused';
    case 'reissue-refused':
      return 'reissue-refused';
    default:
      return 'pw-refusal';
  }
}

export function printerText(state: string): string {
  return deviceText(locale.language, 'printer', state);
}

export function cardReaderText(state: string): string {
  return deviceText(locale.language, 'cardReader', state);
}

/** Voters checked in here with no ballot cast or pending: only then is a new ballot offered (main decides all the same). */
export function votersWithoutBallot(status: StationStatus): number {
  return Math.max(0, status.pollBook.checkIns - status.ballots.cast - status.pendingBallots.length);
}

/** Whether anything waits in "Printer and pending ballots": the screen the desk opens on. */
export function needsRecovery(status: StationStatus): boolean {
  return (
    status.pendingBallots.length > 0 ||
    status.interruptedPrint !== null ||
    status.recordingFailed !== null ||
    status.voterSession === 'print-failed'
  );
}

export class DeskActions {
  busy = $state(false);
  notice = $state<Notice | null>(null);

  constructor(private readonly refresh: () => Promise<void>) {}

  /**
   * Runs one request; the answer becomes the notice (`onOk`), a refusal becomes a
   * problem notice (`onRefused` may word it for the screen it came from), and the
   * status is read again.
   */
  async act<T>(
    request: () => Promise<ApiResult<T>>,
    onOk: (value: T) => Notice | null,
    onRefused: (error: ApiError) => Notice = (error) => ({
      tone: 'problem',
      text: () => refusalText(error),
      testId: refusalTestId(error),
    }),
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const result = await request();
      this.notice = result.ok ? onOk(result.value) : onRefused(result.error);
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }
}
