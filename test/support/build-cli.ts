/**
 * Vitest global setup: the tests that spawn `urna` run the bundle in dist/cli, as a
 * user does, so it is rebuilt here whenever a source it bundles changed since.
 */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const script =
    "const m = await import('./scripts/build-cli.mjs'); if (!m.cliBundleFresh()) await m.buildCli({ quiet: true });";
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (run.status !== 0) throw new Error(`building dist/cli failed:\n${run.stderr}`);
}
