/**
 * The Node versions Urna supports, stated truthfully: package.json's `engines`, the
 * README's set-up section and what the installed dependencies declare agree. A
 * dependency that declares a newer Node than `engines` allows is either one the
 * README names, with why it does not matter on the supported versions, or this test
 * fails — so a new one cannot slip in unnoticed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver is npm's own range logic (in the tree through many dependencies); only its satisfies is needed.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

type LockPackage = { version?: string; dev?: boolean; engines?: { node?: string } };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockPackage> };
const readme = readFileSync('README.md', 'utf8');

/** Packages that declare a newer Node than the oldest `engines` allows, and why that is sound (the README says the same). */
const NEWER_NODE_DECLARED: Readonly<Record<string, { readonly dev: boolean }>> = {
  // fastify loads light-my-request, and through it cookie, only inside inject(), which only the tests call.
  cookie: { dev: false },
  // electron-builder's native rebuild for packaging (npm run dist), and its ABI table.
  '@electron/rebuild': { dev: true },
  'node-abi': { dev: true },
};

const oldest = semver.minVersion(pkg.engines.node)?.version ?? '';

describe('supported Node versions', () => {
  it('engines states the range, and this Node is in it', () => {
    expect(oldest).toBe('20.19.0');
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });

  it('the README states the same range and how long npm test takes', () => {
    expect(readme).toContain('Node.js 20.19 or later');
    expect(readme).toMatch(/`npm test` takes 12 to 18 minutes/);
  });

  it('every installed package that declares a newer Node is one the README names', () => {
    const newer = Object.entries(lock.packages)
      .filter(([where, p]) => where !== '' && p.engines?.node !== undefined && !semver.satisfies(oldest, p.engines.node))
      .map(([where, p]) => ({ name: where.replace(/^.*node_modules\//, ''), dev: p.dev === true, range: p.engines?.node ?? '' }));
    expect(newer.map((p) => p.name).sort()).toEqual(Object.keys(NEWER_NODE_DECLARED).sort());
    for (const p of newer) {
      expect(NEWER_NODE_DECLARED[p.name]?.dev, `${p.name} ${p.range}`).toBe(p.dev);
      expect(readme, `README names ${p.name}`).toContain(`\`${p.name}\``);
    }
  });

  it("says which Node the kiosk's Electron embeds", () => {
    const major = /^\^?(\d+)\./.exec(pkg.devDependencies['electron'] ?? '')?.[1];
    expect(major).toBe('39');
    expect(readme).toContain('Electron 39 embeds Node 22');
  });
});
