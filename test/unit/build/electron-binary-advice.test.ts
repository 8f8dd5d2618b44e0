/**
 * `npm start` (scripts/ensure-electron-native.mjs) on an install without the Electron
 * binary: the advice is what actually brings it back — reinstalling the electron
 * package with network, or ELECTRON_OVERRIDE_DIST_PATH — not "run npm install",
 * which does nothing once node_modules/electron exists.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'urna-no-electron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start without the Electron binary', () => {
  it('names the missing binary and says how to get one', () => {
    // An empty folder as the binary's place: the same as an install that skipped the download.
    const run = spawnSync(process.execPath, ['scripts/ensure-electron-native.mjs'], { encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`urna: the Electron binary is missing: there is no ${path.join(dir, 'electron')} (ELECTRON_OVERRIDE_DIST_PATH=${dir})`);
    expect(run.stderr).toContain('`npm install` does not fetch it again');
    expect(run.stderr).toContain('reinstall electron with network access: `npm rebuild electron`');
    expect(run.stderr).toContain('point ELECTRON_OVERRIDE_DIST_PATH at the folder of an Electron binary');
    expect(run.stderr).not.toMatch(/run `npm install` with network/);
    expect(run.stderr).not.toContain('    at ');
  });
});
