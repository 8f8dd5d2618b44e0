/**
 * Reading a guardian's secret key-share file (written by `urna keys ceremony`).
 * Every command that needs a guardian secret goes through this one function, so a
 * change in how secrets are stored on disk (for example passphrase encryption) is made
 * in one place.
 */
import { readFileSync, statSync } from 'node:fs';
import { type GuardianKeyShare, parseGuardianKeyShare } from '../core/ballot';
import { CliError } from './urna';

export type GuardianSecretFileOptions = {
  /** Reserved for passphrase-protected files; plain files ignore it. */
  readonly passphrase?: string;
};

export function readGuardianSecretFile(file: string, options: GuardianSecretFileOptions): GuardianKeyShare {
  void options;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new CliError(`cannot read guardian file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  // A share readable by others is as good as handed over; refuse rather than use it.
  if ((mode & 0o077) !== 0) {
    throw new CliError(`guardian file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it first`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`guardian file ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = parseGuardianKeyShare(json);
  if (!parsed.ok) {
    const detail = parsed.error.problem === 'schema' ? parsed.error.detail : `${parsed.error.detail} at ${parsed.error.path}`;
    throw new CliError(`guardian file ${file} is not a guardian key share: ${detail}`);
  }
  return parsed.value;
}
