/**
 * `npm run dist` without network: electron-builder's failed download of Electron's
 * release zip (or of its packaging tools) ends in one explanation of what to do, not
 * in a Go and a JavaScript stack trace; the whole output is kept in a log file.
 * electron-builder itself is stood in for by a script that fails the way it does
 * offline, so the test needs no network and no build.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { failedDownload, isStackFrame, runElectronBuilder } from '../../../scripts/dist';

const dir = mkdtempSync(path.join(tmpdir(), 'urna-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ZIP = 'https://github.com/electron/electron/releases/download/v39.2.7/electron-v39.2.7-linux-x64.zip';
/** What electron-builder prints when app-builder cannot resolve github.com. */
const OFFLINE_OUTPUT = [
  '  • electron-builder  version=26.0.12 os=6.1.0',
  '  • packaging       platform=linux arch=x64 electron=39.2.7 appOutDir=release/linux-unpacked',
  `  ⨯ Get "${ZIP}": dial tcp: lookup github.com on 127.0.0.53:53: server misbehaving`,
  'github.com/develar/app-builder/pkg/download.(*Downloader).follow.func1',
  '\t/Users/runner/work/app-builder/app-builder/pkg/download/downloader.go:206',
  'github.com/develar/app-builder/pkg/download.(*Downloader).DownloadNoRetry',
  '\t/Users/runner/work/app-builder/app-builder/pkg/download/downloader.go:128',
  'runtime.goexit',
  '\t/usr/local/go/src/runtime/asm_amd64.s:1700',
  '  ⨯ /work/node_modules/app-builder-bin/linux/x64/app-builder process failed ERR_ELECTRON_BUILDER_CANNOT_EXECUTE',
  'Exit code:',
  '1  failedTask=build stackTrace=Error: /work/node_modules/app-builder-bin/linux/x64/app-builder process failed ERR_ELECTRON_BUILDER_CANNOT_EXECUTE',
  '    at ChildProcess.<anonymous> (/work/node_modules/builder-util/src/util.ts:259:14)',
  '    at Object.onceWrapper (node:events:634:26)',
];

function fakeBuilder(name: string, lines: readonly string[], code: number): string {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, `process.stderr.write(${JSON.stringify(`${lines.join('\n')}\n`)});\nprocess.exitCode = ${code};\n`);
  return file;
}

async function captured(run: () => Promise<number>): Promise<{ code: number; shown: string }> {
  let shown = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((shown += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((shown += String(chunk)), true));
  try {
    return { code: await run(), shown };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('npm run dist without network', () => {
  it('says what could not be downloaded and how to package offline; no stack frames; the whole output in the log', async () => {
    const logDir = path.join(dir, 'release-offline');
    const { code, shown } = await captured(() => runElectronBuilder([], fakeBuilder('offline', OFFLINE_OUTPUT, 1), logDir));
    expect(code).toBe(1);
    expect(shown).toContain(`npm run dist: electron-builder could not download ${ZIP}: this machine cannot reach it.`);
    expect(shown).toContain('~/.cache/electron/');
    expect(shown).toContain('ELECTRON_MIRROR');
    expect(shown).not.toMatch(/downloader\.go|\s{4}at ChildProcess|runtime\.goexit/);
    expect(shown).toContain('platform=linux arch=x64 electron=39.2.7');
    expect(readFileSync(path.join(logDir, 'electron-builder.log'), 'utf8')).toContain('downloader.go:206');
  });

  it('a failure that is not a download: says where the left-out stack trace is', async () => {
    const logDir = path.join(dir, 'release-other');
    const lines = ['  ⨯ Application entry file "dist/main/index.cjs" does not exist', '    at checkFileInArchive (/work/node_modules/app-builder-lib/src/asar/asarFileChecker.ts:28:14)'];
    const { code, shown } = await captured(() => runElectronBuilder([], fakeBuilder('other', lines, 2), logDir));
    expect(code).toBe(2);
    expect(shown).toContain('Application entry file "dist/main/index.cjs" does not exist');
    expect(shown).toContain(`the 1 stack-trace lines left out above are in ${logDir}/electron-builder.log`);
    expect(shown).not.toContain('could not download');
  });

  it('recognises the ways a download fails offline, and stack frames of both languages', () => {
    expect(failedDownload('RequestError: getaddrinfo ENOTFOUND github.com')).toBe('github.com');
    expect(failedDownload(`⨯ cannot get ${ZIP}: connect ECONNREFUSED 127.0.0.1:3128`)).toBe(ZIP);
    expect(failedDownload(`⨯ cannot resolve ${ZIP}: status code 404`)).toBeUndefined();
    expect(OFFLINE_OUTPUT.filter(isStackFrame)).toHaveLength(8);
    expect(isStackFrame('  • packaging       platform=linux arch=x64')).toBe(false);
  });
});
