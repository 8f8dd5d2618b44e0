/** The suite of service.test.ts, on the PostgreSQL store (stores.ts). */
import { runOnPostgres } from './stores';

if (runOnPostgres()) await import('./service.test');
