/** The suite of fuzz.test.ts, on the PostgreSQL store (stores.ts). */
import { runOnPostgres } from './stores';

if (runOnPostgres()) await import('./fuzz.test');
