/**
 * The bulletin-board page in Debian Chromium, on a phone-sized screen (360 px),
 * served by real validator processes on loopback whose addresses the signed package lists.
 * A voter looks a cast ballot up by its short code and opens the receipt's QR URL;
 * a challenged ballot shows its choices, recomputed in the browser; a code that
 * does not exist says so; a validator that serves a tampered inclusion proof or a
 * forged cosignature is caught by the page, which then says the check failed and
 * never "recorded". Screenshots of each state in both languages go to
 * artifacts/screens/board/ (docs/screens/board/ holds the ones the README shows).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../core/encoding/bytes';
import { shortConfirmationCode } from '../../core/api/ballot';
import type { LogKind } from '../../core/ids';
import { freePort } from '../../cli/simulate/free-port';
import { chromiumAvailable, launchChromium } from '../support/chromium';
import { serveFolder } from '../support/static-server';
import { runUrna } from '../support/urna-cli';
import { forgeCosignature, startLyingBoard, tamperProof, type LyingBoard } from '../support/lying-board';
import {
  BallotWriter,
  makeTestElection,
  pushLog,
  ValidatorProcess,
  type TestElection,
} from '../integration/validator/fixture';

const SHOTS = path.resolve('artifacts/screens/board');
const available = chromiumAvailable();
if (!available) console.warn('\n*** board-page.e2e: Debian chromium is not installed; these tests are SKIPPED ***\n');

let election: TestElection;
let station: BallotWriter;
let browser: Browser;
/** Each validator a real `urna validator start` process, serving the page built by `npm run build`. */
const validators: ValidatorProcess[] = [];
/** Validator 3 as the package lists it: a board in front of the real validator 3 that lies when told to. */
let liar: LyingBoard;
const codes = { cast: '', challenged: '', late: '' };

const push = (url: string, log: LogKind) => pushLog(url, station.ledger, log);

async function openPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 },
    deviceScaleFactor: 2,
    locale: 'en-US',
  });
  return context.newPage();
}

async function lookUp(page: Page, code: string): Promise<string> {
  await page.fill('#code', code);
  await page.click('button[type=submit]');
  const result = page.locator('.result');
  await result.waitFor({ state: 'visible', timeout: 30_000 });
  return (await result.innerText()).replace(/\s+/g, ' ');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function toRussian(page: Page): Promise<void> {
  await page.click('header button');
  await page.waitForFunction(() => document.documentElement.lang === 'ru');
}

describe.skipIf(!available)('the bulletin-board page', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const [p1, p2, p3listed, p3real] = ports as [number, number, number, number];
    election = makeTestElection({
      validators: 3,
      label: 'board-page',
      stations: [{ id: 'station-1', precinct: 'uik-1201' }],
      validatorUrls: [`http://127.0.0.1:${p1}/`, `http://127.0.0.1:${p2}/`, `http://127.0.0.1:${p3listed}/`],
    });
    station = BallotWriter.open(
      election,
      election.stations[0] ?? (undefined as never),
      path.join(election.dir, 'stations', 'station-1'),
    );
    station.openPolls();
    codes.cast = station.castBallot();
    codes.challenged = station.challengeBallot();
    station.castBallot();
    for (const [validator, port] of election.validators.map((v, i) => [v, [p1, p2, p3real][i] ?? 0] as const)) {
      const process = new ValidatorProcess(election.writeConfig(validator, port));
      await process.start();
      validators.push(process);
    }
    liar = await startLyingBoard(validators[2]?.url ?? '', null, p3listed);
    for (const running of validators.slice(0, 2)) {
      await push(running.url, 'pollbook');
      await push(running.url, 'ballots');
    }
    // One more ballot that only validator 3 has seen: what validator 3 says about it, nobody else confirms.
    codes.late = station.castBallot();
    await push(validators[2]?.url ?? '', 'pollbook');
    await push(validators[2]?.url ?? '', 'ballots');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await liar?.close();
    await Promise.all(validators.map((v) => v.stop()));
    station?.close();
    election?.cleanup();
  });

  it('confirms a cast ballot by its short code, checked in the browser against every validator, in English and Russian', async () => {
    const page = await openPage();
    await page.goto(`${validators[0]?.url ?? ''}/`);
    await page.locator('table').waitFor();
    await shot(page, 'start-en');
    const short = shortConfirmationCode(fromBase64Url(codes.cast));
    const shown = await lookUp(page, short.toLowerCase());
    expect(shown).toContain('Your ballot is recorded');
    expect(shown).toContain(
      `Ballot ${short} at station station-1: cast. Recorded and confirmed by 3 of 3 independent validators.`,
    );
    expect(shown).toContain('This browser checked it itself');
    expect(await page.locator('.result.ok').count()).toBe(1);
    // The page is no wider than the phone: nothing to scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(page, 'cast-en');
    await toRussian(page);
    expect((await page.locator('.result').innerText()).replace(/\s+/g, ' ')).toContain(
      `Бюллетень ${short}, участок station-1: опущен. Записан и подтверждён независимыми валидаторами: 3 из 3.`,
    );
    await shot(page, 'cast-ru');
    await page.context().close();
  });

  it("opens from the receipt's QR URL and checks that code at once", async () => {
    const page = await openPage();
    await page.goto(`${validators[1]?.url ?? ''}/urna/v1/confirmation/${codes.cast}`);
    const result = page.locator('.result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.innerText()).toContain('Recorded and confirmed by 3 of 3 independent validators');
    expect(await page.inputValue('#code')).toBe(codes.cast);
    // A program asking the same URL for JSON still gets the API's answer.
    const api = await fetch(`${validators[1]?.url ?? ''}/urna/v1/confirmation/${codes.cast}`);
    expect(api.headers.get('content-type')).toContain('application/json');
    await page.context().close();
  });

  it('shows a challenged ballot with the choices recomputed in the browser', async () => {
    const page = await openPage();
    await page.goto(`${validators[0]?.url ?? ''}/board/`);
    const shown = await lookUp(page, codes.challenged);
    expect(shown).toContain('challenged (not counted)');
    expect(await page.locator('[data-testid=choices]').innerText()).toContain(
      'Amendment to the City Charter: No\nCity Council member: Pavel Igorevich Voronin',
    );
    await shot(page, 'challenged-en');
    await toRussian(page);
    expect(await page.locator('[data-testid=choices]').innerText()).toContain(
      'Поправка к Уставу городского округа: Нет\nДепутат Совета депутатов: Воронин Павел Игоревич',
    );
    await shot(page, 'challenged-ru');
    await page.context().close();
  });

  it('says when no ballot has the code, and when the text is not a code', async () => {
    const page = await openPage();
    await page.goto(`${validators[0]?.url ?? ''}/board/`);
    expect(await lookUp(page, toBase64Url(new Uint8Array(32).fill(9)))).toContain(
      'No ballot with this code is on the board',
    );
    await shot(page, 'not-found-en');
    await toRussian(page);
    expect(await page.locator('.result').innerText()).toContain('Бюллетеня с таким кодом на доске нет');
    await shot(page, 'not-found-ru');
    expect(await lookUp(page, 'hello')).toContain('Это не код подтверждения');
    await page.context().close();
  });

  it('catches a validator that serves a tampered inclusion proof or a forged cosignature: the check failed, never "recorded"', async () => {
    for (const [name, lie] of [
      ['proof', tamperProof],
      ['cosignature', forgeCosignature('validator-3')],
    ] as const) {
      liar.lie = lie;
      const page = await openPage();
      await page.goto(`${liar.url}/board/`);
      const shown = await lookUp(page, codes.late);
      expect(shown).toContain('The check FAILED');
      expect(shown).toContain('proof FAILED');
      expect(shown).not.toContain('recorded');
      expect(shown).not.toContain('Recorded');
      expect(await page.locator('.result.bad').count()).toBe(1);
      await shot(page, `tampered-${name}-en`);
      await toRussian(page);
      expect(await page.locator('.result').innerText()).toContain('Проверка НЕ пройдена');
      await shot(page, `tampered-${name}-ru`);
      await page.context().close();
    }
    // The same ballot, honestly served by validator 3, is recorded by one validator of three: not yet final.
    liar.lie = null;
    const page = await openPage();
    await page.goto(`${liar.url}/board/`);
    expect(await lookUp(page, codes.late)).toContain(
      'Confirmed by 1 of 3 validators so far; 2 are needed for the record to be final.',
    );
    await page.context().close();
  });

  it('works the same from a static mirror of a record (urna record board), published under a sub-folder', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'urna-mirror-')), 'board-mirror');
    const made = await runUrna('record', 'board', path.resolve('test/vectors/record'), '--out', out);
    expect(made.code, made.stderr).toBe(0);
    const mirror = await serveFolder(out, '/mirror/');
    try {
      const page = await openPage();
      await page.goto(`${mirror.url}board/?code=EWVOUe9rTpyeGvFkGKRxF6frLSNHpmsBz-7UyNhrJ9U`);
      const result = page.locator('.result');
      await result.waitFor({ timeout: 30_000 });
      expect((await result.innerText()).replace(/\s+/g, ' ')).toContain(
        'at station station-01: cast. Recorded and confirmed by 3 of 3 independent validators.',
      );
      await shot(page, 'mirror-en');
      await page.context().close();
    } finally {
      await mirror.close();
      rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  it('is served with a strict Content-Security-Policy and loads nothing from elsewhere', async () => {
    const response = await fetch(`${validators[0]?.url ?? ''}/board/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`connect-src 'self' ${validators[0]?.url ?? ''}`);
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    const page = await openPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname !== '127.0.0.1') outside.push(request.url());
    });
    await page.goto(`${validators[0]?.url ?? ''}/board/`);
    await lookUp(page, codes.cast);
    expect(outside).toEqual([]);
    await page.context().close();
  });
});
