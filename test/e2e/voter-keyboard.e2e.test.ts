/**
 * A voter using only a keyboard, against the dialogs that used to leak focus:
 * the inactivity warning (Enter and Escape continue and keep every mark; the
 * ballot behind hears nothing), the write-in keyboard and the undervote warning
 * (Tab stays inside, focus returns to what opened them). The whole ballot by
 * keyboard alone is in voter-flow.e2e.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';

const WAIT = { timeout: 15_000 };
const STYLE = 'style-district-1';

function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

function focusInside(page: Page, testId: string): Promise<boolean> {
  return page.evaluate(
    (id) => document.querySelector(`[data-testid="${id}"]`)?.contains(document.activeElement) ?? false,
    testId,
  );
}

async function open(options: { stationId: string; warnAfterMs?: number }): Promise<{
  station: TestStation;
  browser: Browser;
  bridged: BridgedPage;
}> {
  const station = startTestStation({
    stationId: options.stationId,
    sampleElection: true,
    ...(options.warnAfterMs ? { inactivity: { warnAfterMs: options.warnAfterMs, endAfterMs: 60_000 } } : {}),
  });
  const opened = await openPolls(station.context, POLL_WORKER);
  if (!opened.ok) throw new Error('polls did not open');
  const browser = await launchChromium();
  const bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
  const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
  if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
  await bridged.page.getByTestId('screen-language').waitFor(WAIT);
  return { station, browser, bridged };
}

describe('the inactivity warning, by keyboard', () => {
  let station: TestStation;
  let browser: Browser;
  let bridged: BridgedPage;

  beforeAll(async () => {
    ({ station, browser, bridged } = await open({ stationId: 'st-e2e-idle-keys', warnAfterMs: 3000 }));
  });
  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  it('speaks both languages before one is chosen, then the chosen one', async () => {
    const { page } = bridged;
    const warning = page.getByTestId('inactivity-warning');
    await warning.waitFor(WAIT);
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain('Вы ещё здесь?');
    expect(text).toContain('Are you still there?');
    expect(await focused(page)).toBe('inactivity-continue');
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached', ...WAIT });
    await page.getByTestId('choose-en').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-contest').waitFor(WAIT);
    await warning.waitFor(WAIT);
    const english = (await warning.textContent()) ?? '';
    expect(english).toContain('Are you still there?');
    expect(english).not.toContain('Вы ещё здесь?');
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached', ...WAIT });
  });

  it('Enter and Escape continue, keep the marks and the screen, and give focus back; Tab stays on the warning', async () => {
    const { page } = bridged;
    const yes = page.getByTestId('option-charter-yes');
    await yes.focus();
    await page.keyboard.press('Enter');
    expect(await yes.getAttribute('aria-checked')).toBe('true');

    const warning = page.getByTestId('inactivity-warning');
    await warning.waitFor(WAIT);
    // Focus is on the warning, not on the mark behind it.
    expect(await focused(page)).toBe('inactivity-continue');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('inactivity-continue');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('inactivity-continue');
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached', ...WAIT });
    expect(await yes.getAttribute('aria-checked')).toBe('true');
    expect(await focused(page)).toBe('option-charter-yes');

    await warning.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await warning.waitFor({ state: 'detached', ...WAIT });
    // Escape did not go back a screen.
    expect(await page.getByTestId('screen-contest').getAttribute('data-contest')).toBe('charter-amendment');
    expect(await yes.getAttribute('aria-checked')).toBe('true');
    expect(await focused(page)).toBe('option-charter-yes');

    // Any other key while the warning is up reaches nothing behind it.
    await warning.waitFor(WAIT);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await warning.waitFor({ state: 'detached', ...WAIT });
    expect(await yes.getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('option-charter-no').getAttribute('aria-checked')).toBe('false');
    expect(station.service.voterScreen().session.phase).toBe('marking');
  });
});

describe('the write-in keyboard and the undervote warning, by keyboard', () => {
  let station: TestStation;
  let browser: Browser;
  let bridged: BridgedPage;

  beforeAll(async () => {
    ({ station, browser, bridged } = await open({ stationId: 'st-e2e-dialog-keys' }));
  });
  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  /** Tabs `times` times each way, checking after each press that focus is still inside `testId`. */
  async function tabStaysInside(page: Page, testId: string, times: number): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < times; i++) {
        await page.keyboard.press(key);
        expect(await focusInside(page, testId), `${key} #${i + 1} left ${testId}`).toBe(true);
        seen.add((await focused(page)) ?? '');
      }
    }
    return seen;
  }

  it('the write-in keyboard holds focus, says "type a name" when empty, and gives focus back to its line', async () => {
    const { page } = bridged;
    await page.getByTestId('choose-en').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-contest').waitFor(WAIT);
    await page.getByTestId('nav-next').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-contest="council-district-1"]').waitFor(WAIT);

    const line = page.getByTestId('option-write-in-1');
    await line.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('write-in-keyboard');
    await dialog.waitFor(WAIT);
    expect(await focused(page)).toBe('write-in-field');
    // More presses than the dialog has controls: round and round inside it.
    const seen = await tabStaysInside(page, 'write-in-keyboard', 60);
    expect(seen.has('keyboard-done')).toBe(true);
    expect(seen.has('key-shift')).toBe(true);

    // Done on an empty name says what to do.
    await page.getByTestId('keyboard-done').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('keyboard-rule').textContent()).toContain('Type a name first');
    expect(await page.getByTestId('keyboard-done').getAttribute('aria-disabled')).toBe('true');

    // Shift gives a capital where the keyboard would not: O'Hara.
    for (const key of ['O', "'", 'shift', 'H', 'A', 'R', 'A']) await page.getByTestId(`key-${key}`).click();
    expect(await page.getByTestId('write-in-field').inputValue()).toBe("O'Hara");
    expect(await page.getByTestId('keyboard-done').getAttribute('aria-disabled')).toBe('false');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await focused(page)).toBe('option-write-in-1');
    expect(await line.getAttribute('aria-checked')).toBe('false');

    await page.keyboard.press('Enter');
    await dialog.waitFor(WAIT);
    await page.keyboard.type('Ann Lee');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await focused(page)).toBe('option-write-in-1');
    expect(await line.getAttribute('aria-checked')).toBe('true');
  });

  it('the undervote warning holds focus, starts on the safe choice, and Escape gives focus back to "continue"', async () => {
    const { page } = bridged;
    await page.getByTestId('nav-next').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-review').waitFor(WAIT);
    const submit = page.getByTestId('review-submit');
    await submit.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('undervote-warning');
    await dialog.waitFor(WAIT);
    expect(await focused(page)).toBe('undervote-back');
    const seen = await tabStaysInside(page, 'undervote-warning', 7);
    expect([...seen].sort()).toEqual(['undervote-back', 'undervote-confirm']);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await focused(page)).toBe('review-submit');
    expect(station.service.voterScreen().session.phase).toBe('marking');

    // Back, by Enter on the focused safe choice, also returns focus.
    await page.keyboard.press('Enter');
    await dialog.waitFor(WAIT);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await focused(page)).toBe('review-submit');
  });
});
