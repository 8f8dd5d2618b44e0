/**
 * Domain identifiers get their own nominal types so that a station id cannot
 * be passed where a contest id is expected. At runtime they are plain strings.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ElectionId = Brand<string, 'ElectionId'>;
export type StationId = Brand<string, 'StationId'>;
export type PrecinctId = Brand<string, 'PrecinctId'>;
export type BallotStyleId = Brand<string, 'BallotStyleId'>;
export type ContestId = Brand<string, 'ContestId'>;
export type SelectionId = Brand<string, 'SelectionId'>;
export type GuardianId = Brand<string, 'GuardianId'>;
export type ValidatorName = Brand<string, 'ValidatorName'>;

/** A log kind: each station keeps a ballot log and a separate poll-book log. */
export type LogKind = 'ballots' | 'pollbook';
export const LOG_KINDS: readonly LogKind[] = ['ballots', 'pollbook'];

/** Identifier syntax shared by every id that appears in an origin line or a file path. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
