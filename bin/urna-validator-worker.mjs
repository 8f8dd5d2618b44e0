// Worker-thread entry of the validator's proof pool (validator/verify-pool.ts): like
// bin/urna.mjs, it runs the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../validator/verify-worker.ts');
