// Worker-thread entry of `urna verify`'s station pool: like bin/urna.mjs, it runs the
// TypeScript worker through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/record/station-worker.ts');
