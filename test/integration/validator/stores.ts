/**
 * The validator suites run against both stores. Each suite file runs on SQLite as it
 * always has; its `*.postgres.test.ts` twin calls `runOnPostgres()` and imports the
 * same suite, which then runs against a throwaway PostgreSQL cluster started once
 * for the file (test/support/postgres.ts). `prepareStore` is called by the suites
 * after writing a validator's config: on PostgreSQL it creates the validator's
 * database, points the config at it through an environment variable and applies
 * the migrations (`urna validator migrate`); on SQLite it does nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readValidatorConfig } from '../../../validator/config';
import { migrateValidatorStore } from '../../../validator/run';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresCluster } from '../../support/postgres';
import type { TestValidator } from './fixture';

export type StoreKind = 'sqlite' | 'postgres';

let kind: StoreKind = 'sqlite';
let cluster: PostgresCluster | undefined;
let databases = 0;

export function storeKind(): StoreKind {
  return kind;
}

/**
 * Makes the suites imported after this call run on PostgreSQL. Returns false (and
 * registers one skipped test carrying the reason) when the binaries are missing.
 */
export function runOnPostgres(): boolean {
  if (findPostgresBin() === undefined) {
    process.stderr.write(`\n*** ${POSTGRES_MISSING} ***\n\n`);
    describe('on PostgreSQL', () => {
      it.skip(POSTGRES_MISSING, () => undefined);
    });
    return false;
  }
  kind = 'postgres';
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return true;
}

/** The cluster of this file (PostgreSQL runs only). */
export function theCluster(): PostgresCluster {
  if (cluster === undefined) throw new Error('no PostgreSQL cluster: call runOnPostgres() first');
  return cluster;
}

/** Creates and migrates a fresh database for `validator` and rewrites its config to use it (PostgreSQL runs); returns the environment variable. */
export async function prepareStore(validator: Pick<TestValidator, 'configFile' | 'name'>): Promise<string | undefined> {
  if (kind === 'sqlite') return undefined;
  databases += 1;
  const url = await theCluster().createDatabase(`v${databases}_${validator.name.replace(/[^a-z0-9]/g, '_')}`);
  const env = `URNA_TEST_PG_${databases}`;
  process.env[env] = url;
  const config = JSON.parse(readFileSync(validator.configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    validator.configFile,
    JSON.stringify({ ...config, store: 'postgres', postgres: { urlEnv: env, poolSize: 4 } }, null, 2),
  );
  const read = readValidatorConfig(validator.configFile);
  if (!read.ok) throw new Error(read.error);
  const migrated = await migrateValidatorStore(read.value);
  if (!migrated.ok) throw new Error(migrated.error);
  return env;
}
