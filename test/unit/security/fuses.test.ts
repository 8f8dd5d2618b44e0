/**
 * Electron fuses of the packaged kiosk. A fuse is a byte in the Electron binary
 * that electron-builder flips at packaging time (electronFuses in
 * electron-builder.yml); a misspelled key there is silently ignored and ships an
 * unfused binary. So this test runs the config through electron-builder's own
 * key→fuse mapping and @electron/fuses' own flipper on a binary-shaped file, then
 * reads the wire back; and where a packaged build exists (release/), it reads
 * the fuses straight from the shipped binary.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

/** The fuse states as bytes in the wire (@electron/fuses keeps these in its unexported constants). */
enum FuseState {
  DISABLE = 0x30,
  ENABLE = 0x31,
  REMOVED = 0x72,
  INHERIT = 0x90,
}
/** Marks where the fuse wire starts in an Electron binary. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

type FuseKeys = Record<string, boolean>;
type YamlConfig = { electronFuses?: FuseKeys; extends?: string; linux?: { executableName?: string } };

function readBuilderConfig(file: string): YamlConfig {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(file, 'utf8')) as YamlConfig;
}

/** electron-builder's own mapping from `electronFuses` keys to fuse wire positions. */
async function builderFuseConfig(fuses: FuseKeys): Promise<FuseConfig> {
  // The package root must load first: it resolves a circular import inside app-builder-lib.
  const lib = require('app-builder-lib') as {
    PlatformPackager: { prototype: { generateFuseConfig(f: FuseKeys): Promise<FuseConfig> } };
  };
  return lib.PlatformPackager.prototype.generateFuseConfig.call({}, fuses);
}

/** What a kiosk binary must have: not a Node, no NODE_OPTIONS, no inspector, only its own checked asar. */
const KIOSK_FUSES: Readonly<Record<FuseV1Options, FuseState>> = {
  [FuseV1Options.RunAsNode]: FuseState.DISABLE,
  [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
  [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
  [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
};

/** Electron's unfused defaults: every dangerous fuse on. */
const STOCK_WIRE = [
  FuseState.ENABLE,
  FuseState.DISABLE,
  FuseState.ENABLE,
  FuseState.ENABLE,
  FuseState.DISABLE,
  FuseState.DISABLE,
  FuseState.DISABLE,
  FuseState.ENABLE,
];

function fuseName(index: number): string {
  return FuseV1Options[index] ?? `fuse ${index}`;
}

function describeWire(wire: FuseConfig<FuseState>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const index of Object.keys(KIOSK_FUSES).map(Number)) {
    const state = (wire as unknown as Record<number, FuseState>)[index];
    out[fuseName(index)] = state === undefined ? 'missing' : (FuseState[state] ?? String(state));
  }
  return out;
}

function expected(overrides: Partial<Record<FuseV1Options, FuseState>> = {}): Record<string, string> {
  const wire = { version: FuseVersion.V1, ...KIOSK_FUSES, ...overrides } as unknown as FuseConfig<FuseState>;
  return describeWire(wire);
}

const work = mkdtempSync(path.join(tmpdir(), 'urna-fuses-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A file laid out like an Electron binary around its fuse wire, with stock fuses. */
function stockBinary(name: string): string {
  const file = path.join(work, name);
  const padding = Buffer.alloc(4096, 0x90);
  writeFileSync(
    file,
    Buffer.concat([
      padding,
      Buffer.from(SENTINEL, 'ascii'),
      Buffer.from([1, STOCK_WIRE.length, ...STOCK_WIRE]),
      padding,
    ]),
  );
  return file;
}

describe('electron-builder.yml fuses the kiosk binary', () => {
  it('sets every fuse, by a name electron-builder knows, to the kiosk state', async () => {
    const fuses = readBuilderConfig('electron-builder.yml').electronFuses;
    expect(fuses, 'electron-builder.yml has no electronFuses').toBeDefined();
    const config = await builderFuseConfig(fuses ?? {});
    // Every fuse the kiosk cares about made it through the mapping (a typo would drop it).
    for (const index of Object.keys(KIOSK_FUSES).map(Number))
      expect(config, `fuse ${fuseName(index)}`).toHaveProperty(String(index));
    const binary = stockBinary('urna-kiosk');
    await flipFuses(binary, { ...config, strictlyRequireAllFuses: true } as FuseConfig);
    expect(describeWire(await getCurrentFuseWire(binary))).toEqual(expected());
  });

  it('the Playwright test build relaxes exactly the inspector and app-folder fuses', async () => {
    const test = readBuilderConfig('electron-builder.test.yml');
    expect(test.extends).toBe('./electron-builder.yml');
    const config = await builderFuseConfig(test.electronFuses ?? {});
    const binary = stockBinary('urna-kiosk-test');
    await flipFuses(binary, { ...config, strictlyRequireAllFuses: true } as FuseConfig);
    expect(describeWire(await getCurrentFuseWire(binary))).toEqual(
      expected({
        [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.ENABLE,
        [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.DISABLE,
      }),
    );
  });
});

/** Where `npm run dist` leaves the unpacked Linux app. */
function packagedBinary(): string | null {
  const executable = readBuilderConfig('electron-builder.yml').linux?.executableName ?? 'urna-kiosk';
  const candidate = path.resolve('release', 'linux-unpacked', executable);
  return existsSync(candidate) ? candidate : null;
}

const packaged = packagedBinary();
if (!packaged) {
  const banner = '!'.repeat(78);
  process.stderr.write(
    `\n${banner}\n!! SKIPPED: fuses read from the packaged binary (test/unit/security/fuses.test.ts)\n` +
      `!! because there is no packaged build at release/linux-unpacked/: \`npm run dist\` needs the Electron binary.\n` +
      `!! The electron-builder configuration was checked through electron-builder's own fuse mapping instead.\n${banner}\n\n`,
  );
}

describe.skipIf(!packaged)('the packaged binary', () => {
  it('carries the kiosk fuses', async () => {
    if (!packaged) return;
    expect(describeWire(await getCurrentFuseWire(packaged))).toEqual(expected());
  });
});
