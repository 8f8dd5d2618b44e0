/**
 * Starting and stopping one validator: read the config, load and check every piece
 * of trust material, open the store (verifying every log's nodes against its root),
 * then listen. Any problem stops the start with a sentence for the operator.
 */
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { EventId, EventLogger, LogFields } from '../core/logging';
import { err, ok, type Result } from '../core/result';
import { loadValidatorKey, readEnrollmentFiles, readValidatorConfig, type ValidatorConfig } from './config';
import { loadValidatorElection, type ValidatorElection } from './election';
import { latestVersion } from './migrations';
import { buildValidatorServer } from './server';
import { ValidatorService } from './service';
import { loadStationManifest } from './station-manifest';
import { openValidatorStore } from './open-store';
import { DEFAULT_TIME_WINDOW, TimeWindow } from './time-window';
import { defaultVerifyThreads, VerifyPool } from './verify-pool';

/**
 * The validator's event log: JSON lines in its data folder, written without blocking
 * requests. Each line's time is the start of its time window, never the moment.
 */
export class ValidatorEventLog implements EventLogger {
  private readonly stream: WriteStream;
  constructor(
    file: string,
    private readonly echo: boolean,
    private readonly window: TimeWindow = DEFAULT_TIME_WINDOW,
  ) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    this.stream.on('error', (error) => process.stderr.write(`urna validator: event log: ${error.message}\n`));
  }

  log(eventId: EventId, fields: LogFields = {}): void {
    const line = `${JSON.stringify({ time: this.window.nowIso(), event: eventId, ...fields })}\n`;
    this.stream.write(line);
    if (this.echo) process.stderr.write(line);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

export type RunningValidator = {
  readonly name: string;
  readonly verifierKey: string;
  readonly url: string;
  readonly server: FastifyInstance;
  readonly service: ValidatorService;
  close(): Promise<void>;
};

export type StartOptions = {
  readonly logger?: EventLogger;
  readonly echoLog?: boolean;
  /** Worker threads checking ballot proofs; 0 checks them on the main thread. Default: one per core (at most 8). */
  readonly verifyThreads?: number;
};

export type PrepareOptions = { readonly verifyThreads?: number };

/** The election the config names: the signed package, the pinned authority key, the enrollments and the optional station manifest. */
export function loadConfiguredElection(config: ValidatorConfig): Result<ValidatorElection, string> {
  let packageJson: unknown;
  let authorityKey: string;
  try {
    packageJson = JSON.parse(readFileSync(config.electionPackage, 'utf8'));
    authorityKey = readFileSync(config.authorityKey, 'utf8').trim();
  } catch (error) {
    return err(
      `cannot read the election package or authority key: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const enrollments = readEnrollmentFiles(config.enrollments);
  if (!enrollments.ok) return enrollments;
  const loaded = loadValidatorElection({ packageJson, authorityKey, enrollments: enrollments.value });
  const election =
    loaded.ok && config.stationManifest !== undefined
      ? loadStationManifest(loaded.value, config.stationManifest)
      : loaded;
  return election.ok ? election : err(`${election.error.what}: ${election.error.message}`);
}

/** `urna validator migrate`: creates or upgrades the schema of the store the config names; returns the schema version. */
export async function migrateValidatorStore(
  config: ValidatorConfig,
): Promise<Result<{ readonly kind: string; readonly version: number }, string>> {
  const election = loadConfiguredElection(config);
  if (!election.ok) return election;
  const store = await openValidatorStore(config, election.value.electionId, new TimeWindow(config.timeWindowSeconds), {
    migrate: true,
  });
  if (!store.ok) return store;
  await store.value.close();
  return ok({ kind: store.value.kind, version: latestVersion(store.value.kind) });
}

/** Loads the election and trust material and opens the store the config names (SQLite: created or migrated; PostgreSQL: must be migrated already). */
export async function prepareValidator(
  config: ValidatorConfig,
  logger: EventLogger,
  options: PrepareOptions = {},
): Promise<Result<{ service: ValidatorService; verifierKey: string }, string>> {
  const key = loadValidatorKey(config.keyFile, config.name);
  if (!key.ok) return key;
  const election = loadConfiguredElection(config);
  if (!election.ok) return election;
  const member = election.value.definition.validators.members.find((m) => m.name === config.name);
  if (member === undefined) return err(`the election package names no validator ${config.name}`);
  if (member.verifierKey !== key.value.verifierKey) {
    return err(
      `the key in ${config.keyFile} is not the key the election package names for ${config.name} (${member.verifierKey})`,
    );
  }
  const timeWindow = new TimeWindow(config.timeWindowSeconds);
  const store = await openValidatorStore(config, election.value.electionId, timeWindow);
  if (!store.ok) return store;
  const threads = options.verifyThreads ?? 0;
  const verifyPool = threads > 0 ? new VerifyPool(election.value, threads) : undefined;
  const service = new ValidatorService({
    election: election.value,
    store: store.value,
    cosigner: key.value,
    logger,
    limits: config.limits,
    timeWindow,
    ...(verifyPool === undefined ? {} : { verifyPool }),
  });
  return ok({ service, verifierKey: key.value.verifierKey });
}

/** Reads the config at `configFile`, starts the validator and returns once it listens. */
export async function startValidator(
  configFile: string,
  options: StartOptions = {},
): Promise<Result<RunningValidator, string>> {
  const config = readValidatorConfig(configFile);
  if (!config.ok) return config;
  const eventLog =
    options.logger === undefined
      ? new ValidatorEventLog(
          path.join(config.value.dataDir, 'events.jsonl'),
          options.echoLog ?? false,
          new TimeWindow(config.value.timeWindowSeconds),
        )
      : undefined;
  const logger: EventLogger = options.logger ?? (eventLog as ValidatorEventLog);
  const prepared = await prepareValidator(config.value, logger, {
    verifyThreads: options.verifyThreads ?? config.value.verifyThreads ?? defaultVerifyThreads(),
  });
  if (!prepared.ok) {
    logger.log('validator.start-refused', { reason: prepared.error });
    await eventLog?.close();
    return prepared;
  }
  const { service, verifierKey } = prepared.value;
  const server = buildValidatorServer(service, logger, config.value.httpLimits);
  let address: string;
  try {
    address = await server.listen({ host: config.value.host, port: config.value.port });
  } catch (error) {
    await service.store.close();
    await service.verifyPool?.close();
    await eventLog?.close();
    return err(
      `cannot listen on ${config.value.host}:${config.value.port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  logger.log('validator.started', { name: config.value.name, address, stations: service.election.stations.size });
  return ok({
    name: config.value.name,
    verifierKey,
    url: address,
    server,
    service,
    close: async () => {
      await server.close();
      await service.store.close();
      await service.verifyPool?.close();
      logger.log('validator.stopped', { name: config.value.name });
      await eventLog?.close();
    },
  });
}
