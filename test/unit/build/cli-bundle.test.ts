/**
 * What the CLI bundle (scripts/build-cli.mjs, built by the tests' global setup) holds
 * and leaves out: every command compiles its chunks at start-up, so code no command
 * runs is dead weight on each `urna` invocation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../core/encoding/bytes';
import { field25519Module } from '../../../core/ballot/wasm25519';

const dist = path.resolve('dist/cli');
const bundled = readdirSync(dist)
  .filter((name) => name.endsWith('.mjs'))
  .map((name) => readFileSync(path.join(dist, name), 'utf8'))
  .join('\n');

describe('the CLI bundle', () => {
  it("keeps zod's English messages and none of its other 47 locales", () => {
    expect(bundled).toMatch(/zod\/v4\/locales\/en\.js/);
    for (const locale of ['ru', 'de', 'zh-CN', 'he']) expect(bundled).not.toContain(`zod/v4/locales/${locale}.js`);
  });

  it('carries the WebAssembly field arithmetic emitted at build time, byte for byte what the emitter gives', () => {
    expect(bundled).toContain(`fromBase64(${JSON.stringify(toBase64(field25519Module()))})`);
  });
});
