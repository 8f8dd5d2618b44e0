/**
 * A validator's configuration file (JSON). Relative paths are relative to the file.
 *
 *   {
 *     "name": "commission",                       the validator's name in the election package
 *     "keyFile": "commission.key",                its cosignature/v1 signer key, mode 0600
 *     "listen": { "host": "127.0.0.1", "port": 8470 },
 *     "dataDir": "data",                          event log, and the SQLite store
 *     "store": "sqlite",                          optional: "sqlite" (default, a file in
 *                                                 dataDir) or "postgres" (store-postgres.ts)
 *     "postgres": { "urlEnv": "URNA_VALIDATOR_DATABASE_URL",   the environment variables
 *                   "readUrlEnv": "URNA_VALIDATOR_READ_URL",   holding the connection strings
 *                   "poolSize": 10 },                          (never the strings themselves:
 *                                                 they carry the password); readUrlEnv, for
 *                                                 the bulletin board on a read replica, and
 *                                                 poolSize are optional
 *     "electionPackage": "election.json",         the signed election package
 *     "authorityKey": "authority.vkey",           pinned authority verifier key (file)
 *     "enrollments": ["stations/"],               enrollment files, or folders of *.json
 *     "stationManifest": "station-manifest.json", optional: the authority's signed station
 *                                                 list; enrolled stations it does not list
 *                                                 are refused (station-manifest.ts)
 *     "limits": { … },                            optional, see HttpLimits / ValidatorLimits
 *     "timeWindowSeconds": 300,                   optional: every time the validator
 *                                                 records or serves is rounded down to
 *                                                 this window (time-window.ts); default 300
 *     "verifyThreads": 2                          optional: worker threads checking ballot
 *                                                 proofs beside the service thread
 *                                                 (verify-pool.ts); 0 = none; default:
 *                                                 one per core but one, at most 8
 *   }
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseInputFile, type InputFormat } from '../core/input-errors';
import { cosignatureKeyId, type Cosigner } from '../core/ledger/cosignature';
import {
  describeNoteError,
  formatVerifierKey,
  keyTextKind,
  parseSignerKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from '../core/ledger/note';
import { err, ok, type Result } from '../core/result';
import { nativeEd25519Cosigner } from './native-cosigner';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './server';
import { DEFAULT_LIMITS, type ValidatorLimits } from './service';
import { DEFAULT_TIME_WINDOW_SECONDS } from './time-window';

const limitsSchema = z
  .strictObject({
    bodyLimit: z
      .int()
      .min(1024)
      .max(256 * 1024 * 1024),
    requestTimeoutMs: z.int().min(100).max(600_000),
    connectionTimeoutMs: z.int().min(100).max(3_600_000),
    ratePerSecond: z.number().positive().max(1_000_000),
    rateBurst: z.int().min(1).max(1_000_000),
    maxEntriesPerRead: z.int().min(1).max(100_000),
    maxEntriesPerRequest: z.int().min(1).max(100_000),
    maxEntryBytes: z
      .int()
      .min(1024)
      .max(16 * 1024 * 1024),
  })
  .partial();

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const DEFAULT_DATABASE_URL_ENV = 'URNA_VALIDATOR_DATABASE_URL';

const postgresSchema = z.strictObject({
  urlEnv: z
    .string()
    .regex(ENV_NAME, 'the name of an environment variable (A-Z, 0-9, _)')
    .default(DEFAULT_DATABASE_URL_ENV),
  readUrlEnv: z.string().regex(ENV_NAME, 'the name of an environment variable (A-Z, 0-9, _)').optional(),
  poolSize: z.int().min(1).max(200).optional(),
});

export const validatorConfigSchema = z.strictObject({
  name: z.string().min(1).max(100),
  keyFile: z.string().min(1),
  listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.int().min(0).max(65535) }),
  dataDir: z.string().min(1),
  store: z.enum(['sqlite', 'postgres']).default('sqlite'),
  postgres: postgresSchema.optional(),
  electionPackage: z.string().min(1),
  authorityKey: z.string().min(1),
  enrollments: z.array(z.string().min(1)).min(1),
  stationManifest: z.string().min(1).optional(),
  limits: limitsSchema.optional(),
  verifyThreads: z.int().min(0).max(64).optional(),
  timeWindowSeconds: z.int().min(1).max(86_400).optional(),
});

export type ValidatorConfigFile = z.infer<typeof validatorConfigSchema>;
export const validatorConfigFormat: InputFormat<ValidatorConfigFile> = {
  name: 'validator-config',
  what: 'validator config',
  schema: validatorConfigSchema,
};

/** Where the store is: an SQLite file in the data folder, or a PostgreSQL database named by environment variables. */
export type StoreConfig =
  | { readonly kind: 'sqlite' }
  | { readonly kind: 'postgres'; readonly urlEnv: string; readonly readUrlEnv?: string; readonly poolSize?: number };

export type ValidatorConfig = {
  readonly name: string;
  readonly store: StoreConfig;
  readonly keyFile: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly electionPackage: string;
  readonly authorityKey: string;
  readonly enrollments: readonly string[];
  readonly stationManifest?: string;
  readonly httpLimits: HttpLimits;
  readonly limits: ValidatorLimits;
  /** Worker threads for ballot proofs; undefined: one per core. */
  readonly verifyThreads?: number;
  /** Every time recorded or served is rounded down to this many seconds. */
  readonly timeWindowSeconds: number;
};

/** Reads and checks a config file; the error is a sentence for the operator. */
export function readValidatorConfig(file: string): Result<ValidatorConfig, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return err(`cannot read config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseInputFile(file, validatorConfigFormat, json);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const base = path.dirname(path.resolve(file));
  const at = (p: string) => path.resolve(base, p);
  const l = c.limits ?? {};
  if (c.store === 'sqlite' && c.postgres !== undefined)
    return err(
      `config ${file}: "postgres" is set but "store" is "sqlite"; set "store": "postgres" or remove "postgres"`,
    );
  const pg = c.postgres ?? postgresSchema.parse({});
  const store: StoreConfig =
    c.store === 'sqlite'
      ? { kind: 'sqlite' }
      : {
          kind: 'postgres',
          urlEnv: pg.urlEnv,
          ...(pg.readUrlEnv === undefined ? {} : { readUrlEnv: pg.readUrlEnv }),
          ...(pg.poolSize === undefined ? {} : { poolSize: pg.poolSize }),
        };
  return ok({
    name: c.name,
    store,
    keyFile: at(c.keyFile),
    host: c.listen.host,
    port: c.listen.port,
    dataDir: at(c.dataDir),
    electionPackage: at(c.electionPackage),
    authorityKey: at(c.authorityKey),
    enrollments: c.enrollments.map(at),
    ...(c.stationManifest === undefined ? {} : { stationManifest: at(c.stationManifest) }),
    httpLimits: {
      bodyLimit: l.bodyLimit ?? DEFAULT_HTTP_LIMITS.bodyLimit,
      requestTimeoutMs: l.requestTimeoutMs ?? DEFAULT_HTTP_LIMITS.requestTimeoutMs,
      connectionTimeoutMs: l.connectionTimeoutMs ?? DEFAULT_HTTP_LIMITS.connectionTimeoutMs,
      ratePerSecond: l.ratePerSecond ?? DEFAULT_HTTP_LIMITS.ratePerSecond,
      rateBurst: l.rateBurst ?? DEFAULT_HTTP_LIMITS.rateBurst,
      maxEntriesPerRead: l.maxEntriesPerRead ?? DEFAULT_HTTP_LIMITS.maxEntriesPerRead,
    },
    limits: {
      maxEntriesPerRequest: l.maxEntriesPerRequest ?? DEFAULT_LIMITS.maxEntriesPerRequest,
      maxEntryBytes: l.maxEntryBytes ?? DEFAULT_LIMITS.maxEntryBytes,
    },
    ...(c.verifyThreads === undefined ? {} : { verifyThreads: c.verifyThreads }),
    timeWindowSeconds: c.timeWindowSeconds ?? DEFAULT_TIME_WINDOW_SECONDS,
  });
}

export type ValidatorKey = Cosigner & { readonly verifierKey: string };

/** Loads the validator's cosignature/v1 key, refusing a file that group or others may read. */
export function loadValidatorKey(file: string, expectedName: string): Result<ValidatorKey, string> {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY);
  } catch (error) {
    return err(`cannot read key ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
    // Say what was given before judging its mode: a .vkey is public, so its mode 644 is right for it.
    const kind = keyTextKind(text);
    if (kind !== 'secret key')
      return err(
        `keyFile ${file} is ${kind === 'verifier key' ? 'a verifier key (the public half)' : 'not a key file'}; the validator's secret cosigning key (from \`urna validator keygen\`, mode 0600) is expected here`,
      );
    const mode = fstatSync(fd).mode;
    if ((mode & 0o077) !== 0)
      return err(
        `key ${file} has mode ${(mode & 0o777).toString(8)}; it must be readable by its owner only (chmod 600)`,
      );
  } finally {
    closeSync(fd);
  }
  const parsed = parseSignerKey(text.trim());
  if (!parsed.ok) return err(`key ${file}: ${describeNoteError(parsed.error)}`);
  const key = parsed.value;
  if (key.signatureType !== SIGNATURE_TYPE_COSIGNATURE_V1)
    return err(`key ${file} is not a cosignature/v1 key (type 0x04)`);
  if (key.name !== expectedName)
    return err(`key ${file} is named ${key.name}, but the config names the validator ${expectedName}`);
  const cosigner = nativeEd25519Cosigner(key.name, Uint8Array.from(key.secretKey));
  key.secretKey.fill(0);
  if (cosigner.keyId !== cosignatureKeyId(key.name, cosigner.publicKey))
    throw new Error('invariant failed: cosigner key id');
  return ok({
    ...cosigner,
    verifierKey: formatVerifierKey(key.name, SIGNATURE_TYPE_COSIGNATURE_V1, cosigner.publicKey),
  });
}

/** Enrollment files named directly, and every *.json in named folders (sorted, not recursive). */
export function readEnrollmentFiles(paths: readonly string[]): Result<{ source: string; json: unknown }[], string> {
  const files: string[] = [];
  for (const p of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch (error) {
      return err(`cannot read enrollments at ${p}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (isDirectory) {
      files.push(
        ...readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => path.join(p, f)),
      );
    } else files.push(p);
  }
  const out: { source: string; json: unknown }[] = [];
  for (const file of files) {
    try {
      out.push({ source: file, json: JSON.parse(readFileSync(file, 'utf8')) });
    } catch (error) {
      return err(`enrollment ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return ok(out);
}
