/**
 * Opens the store a validator config names: the SQLite file in its data folder, or
 * the PostgreSQL database whose connection string is in the environment variable the
 * config names (a connection string carries a password, so it is never in a file).
 */
import type { ElectionId } from '../core/ids';
import { err, ok, type Result } from '../core/result';
import type { ValidatorConfig } from './config';
import { describeStoreOpenError, type ValidatorStore } from './store-api';
import { SqliteValidatorStore } from './store';
import { PostgresValidatorStore } from './store-postgres';
import type { TimeWindow } from './time-window';

function fromEnvironment(name: string, what: string): Result<string, string> {
  const value = process.env[name];
  if (value === undefined || value.trim() === '')
    return err(
      `the config keeps the validator's store in PostgreSQL, but the environment variable ${name} (${what}) is not set`,
    );
  return ok(value.trim());
}

/** `migrate`: apply pending migrations (SQLite always does, as it always has; PostgreSQL only when asked, by `urna validator migrate`). */
export async function openValidatorStore(
  config: Pick<ValidatorConfig, 'store' | 'dataDir'>,
  electionId: ElectionId,
  window: TimeWindow,
  options: { readonly migrate?: boolean } = {},
): Promise<Result<ValidatorStore, string>> {
  const store = config.store;
  if (store.kind === 'sqlite') {
    const opened = SqliteValidatorStore.open(config.dataDir, electionId, window);
    return opened.ok ? opened : err(describeStoreOpenError(opened.error));
  }
  const url = fromEnvironment(store.urlEnv, 'the connection string');
  if (!url.ok) return url;
  let readUrl: string | undefined;
  if (store.readUrlEnv !== undefined) {
    const read = fromEnvironment(store.readUrlEnv, "the bulletin board's connection string");
    if (!read.ok) return read;
    readUrl = read.value;
  }
  const opened = await PostgresValidatorStore.open(
    {
      url: url.value,
      ...(readUrl === undefined ? {} : { readUrl }),
      ...(store.poolSize === undefined ? {} : { poolSize: store.poolSize }),
      window,
    },
    electionId,
    options.migrate ?? false,
  );
  return opened.ok ? ok(opened.value) : err(describeStoreOpenError(opened.error));
}
