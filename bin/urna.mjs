#!/usr/bin/env node
// The `urna` command line. It runs the bundle that scripts/build-cli.mjs writes to
// dist/cli (built by `npm install`, `npm ci` and `npm run build`), so no TypeScript
// is transpiled at start-up. A checkout not yet built, or URNA_FROM_SOURCE=1 (while
// changing the sources), runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/urna.mjs', import.meta.url);
let cli;
if (process.env.URNA_FROM_SOURCE !== '1' && existsSync(bundle)) {
  cli = await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../cli/urna.ts');
}
process.exitCode = await cli.main(process.argv);
