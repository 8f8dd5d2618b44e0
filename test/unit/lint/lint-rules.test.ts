import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import urna from '../../../scripts/eslint/plugin.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const typed = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: {
      projectService: { allowDefaultProject: ['*.ts'] },
      tsconfigRootDir: path.resolve('test/unit/lint'),
    },
  },
});

// The project's Result (core/result.ts), declared inline so each case is one file.
const prelude = `
type Ok<T> = { readonly ok: true; readonly value: T };
type Err<E> = { readonly ok: false; readonly error: E };
type Result<T, E> = Ok<T> | Err<E>;
declare function save(): Result<void, 'disk-full'>;
declare function saveLater(): Promise<Result<number, 'busy'>>;
declare function maybe(): Result<void, string> | undefined;
declare const store: { append(): Result<number, { kind: 'full' }> } | undefined;
declare function fetchLike(): { ok: boolean; status: number };
declare function okOnly(): Ok<void>;
declare function log(message: string): void;
`;
const filename = path.resolve('test/unit/lint/file.ts');
const tsCase = (code: string) => ({ code: prelude + code, filename });

const noFloatingResults = urna.rules['no-floating-results'];
const noFixedSleep = urna.rules['no-fixed-sleep'];

typed.run('urna/no-floating-results', noFloatingResults, {
  valid: [
    tsCase(`const saved = save(); if (!saved.ok) log(saved.error);`),
    tsCase(`async function f() { const r = await saveLater(); return r; }`),
    tsCase(`function f() { return save(); }`),
    tsCase(`if (!save().ok) log('failed');`),
    tsCase(`// the next save retries this one, so its failure is not lost
void save();`),
    tsCase(`void save(); // shutdown: nothing left to tell`),
    tsCase(`fetchLike();`),
    tsCase(`okOnly();`),
    tsCase(`log('x');`),
    tsCase(`async function f() { void saveLater(); /* fire and forget: the outcome is logged inside */ }`),
  ],
  invalid: [
    { ...tsCase(`save();`), errors: [{ messageId: 'floating' }] },
    { ...tsCase(`async function f() { await saveLater(); }`), errors: [{ messageId: 'floating' }] },
    { ...tsCase(`maybe();`), errors: [{ messageId: 'floating' }] },
    { ...tsCase(`store?.append();`), errors: [{ messageId: 'floating' }] },
    { ...tsCase(`void save();`), errors: [{ messageId: 'voidedSilently' }] },
    { ...tsCase(`async function f() { void saveLater(); }`), errors: [{ messageId: 'voidedSilently' }] },
  ],
});

const plain = new RuleTester({ languageOptions: { parser: tseslint.parser } });

plain.run('urna/no-fixed-sleep', noFixedSleep, {
  valid: [
    { code: `await waitFor(() => station.ready(), { timeout: 5000, what: 'the station to be ready' });` },
    { code: `const timer = setTimeout(() => child.kill('SIGKILL'), 200);` },
    { code: `await new Promise((resolve, reject) => { server.listen(0, resolve); server.on('error', reject); });` },
    { code: `await new Promise((resolve) => stream.once('data', resolve));` },
    { code: `vi.advanceTimersByTime(300);` },
  ],
  invalid: [
    { code: `await new Promise((resolve) => setTimeout(resolve, 300));`, errors: [{ messageId: 'sleep' }] },
    { code: `await new Promise((r) => { setTimeout(r, 50); });`, errors: [{ messageId: 'sleep' }] },
    { code: `await new Promise(function (done) { setTimeout(() => done(), 10); });`, errors: [{ messageId: 'sleep' }] },
    {
      code: `await new Promise((resolve) => setTimeout(() => resolve(read()), 50));`,
      errors: [{ messageId: 'sleep' }],
    },
    { code: `await sleep(100);`, errors: [{ messageId: 'sleep' }] },
    { code: `await delay(100);`, errors: [{ messageId: 'sleep' }] },
    {
      code: `import { setTimeout } from 'node:timers/promises'; await setTimeout(100);`,
      errors: [{ messageId: 'sleep' }],
    },
    { code: `await page.waitForTimeout(600);`, errors: [{ messageId: 'sleep' }] },
    { code: `await scheduler.wait(20);`, errors: [{ messageId: 'sleep' }] },
  ],
});
