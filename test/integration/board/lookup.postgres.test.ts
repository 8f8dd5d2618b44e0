/** The suite of lookup.test.ts, on the PostgreSQL store (short codes found by a byte-ordered prefix there too). */
import { runOnPostgres } from '../validator/stores';

if (runOnPostgres()) await import('./lookup.test');
