/**
 * The one logger interface every layer takes: the station, the drivers and
 * simulators, the validator, the CLI. Every user action and every error is logged
 * with a registered event id (core/events.ts, listed in docs/EVENTS.md) and the
 * fields the registry requires for it.
 */
import type { EventFields, EventId } from './events';

export type { EventFields, EventId } from './events';

export type LogFields = Readonly<Record<string, unknown>>;

export interface EventLogger {
  log<E extends EventId>(eventId: E, fields: EventFields<E>): void;
}

/** A logger that drops everything: for computations and devices whose callers log, or that have nowhere to log. */
export const silentLogger: EventLogger = { log: () => undefined };
