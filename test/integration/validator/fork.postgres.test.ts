/** The suite of fork.test.ts, on the PostgreSQL store (stores.ts). */
import { runOnPostgres } from './stores';

if (runOnPostgres()) await import('./fork.test');
