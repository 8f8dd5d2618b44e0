#!/usr/bin/env node
// The `urna` command line. It runs the TypeScript sources through tsx so that the
// CLI, the station and the verifier share one code path with no separate build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/urna.ts');
process.exitCode = await main(process.argv);
