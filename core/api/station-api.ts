/**
 * The station API: the one typed contract between the untrusted renderer and
 * the main process. It is declared once, here. The preload exposes one function
 * per method, main implements them as a handler table, and main validates every
 * argument against the schema below before a handler sees it.
 *
 * Every method takes exactly one object and resolves to an ApiResult, never a
 * rejected promise, so the same contract holds over Electron IPC and over the
 * Playwright test bridge.
 */
import { z } from 'zod';
import type { Result } from '../result';
import type { LogKind } from '../ids';

export type ApiErrorCode =
  /** The arguments did not match the method's schema. */
  | 'invalid-argument'
  /** No such method in the station API. */
  | 'unknown-method'
  /** The call came from a frame or origin that may not call the station. */
  | 'forbidden'
  /** The call is valid but not allowed in the station's current state. */
  | 'wrong-state'
  /** Something failed inside main; details are in the station log, not here. */
  | 'internal';

export type ApiError = {
  readonly code: ApiErrorCode;
  /** A plain message for logs and developers; the UI shows translated text keyed by `code`. */
  readonly message: string;
  /** For invalid arguments: where in the argument object each problem is. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
};

export type ApiResult<T> = Result<T, ApiError>;

// ---- value types returned by the station ------------------------------------

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TEXT_SIZES = [1, 2, 3, 4] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export type DisplaySettings = {
  readonly language: Language;
  readonly textSize: TextSize;
  readonly highContrast: boolean;
};

/** Where the polls stand (the full lifecycle is a reducer in the station service). */
export type PollsState = 'setup' | 'polls-closed-initial' | 'polls-open' | 'polls-paused' | 'polls-closed-final';

/** A device as the poll worker sees it: a state name and whether it can be used. */
export type DeviceStatus = {
  readonly state: string;
  readonly ready: boolean;
  /** Port or device path, when one is configured. */
  readonly port: string | null;
};

export type LedgerStatus = Readonly<Record<LogKind, { readonly size: number }>>;

export type StationStatus = {
  readonly stationId: string;
  readonly mode: 'demo' | 'production';
  readonly electionBaseHash: string | null;
  readonly pollsState: PollsState;
  readonly printer: DeviceStatus;
  readonly cardReader: DeviceStatus;
  readonly ledger: LedgerStatus;
  readonly display: DisplaySettings;
};

// ---- the methods ---------------------------------------------------------------

/** A method: its argument schema, plus its result type carried as a phantom. */
export type MethodSpec<Input extends z.ZodType, Output> = {
  readonly input: Input;
  readonly output?: (value: Output) => void;
};

function method<Output>() {
  return <Input extends z.ZodType>(input: Input): MethodSpec<Input, Output> => ({ input });
}

const noArguments = z.object({}).strict();

export const stationApi = {
  getStationStatus: method<StationStatus>()(noArguments),
  setDisplaySettings: method<DisplaySettings>()(
    z
      .object({
        language: z.enum(LANGUAGES).optional(),
        textSize: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
        highContrast: z.boolean().optional(),
      })
      .strict(),
  ),
} as const;

export type StationApiSpec = typeof stationApi;
export type StationApiMethod = keyof StationApiSpec;
export const STATION_API_METHODS = Object.keys(stationApi) as StationApiMethod[];

export type MethodInput<M extends StationApiMethod> = z.input<StationApiSpec[M]['input']>;
export type MethodArgs<M extends StationApiMethod> = z.output<StationApiSpec[M]['input']>;
export type MethodOutput<M extends StationApiMethod> =
  StationApiSpec[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

/** What the renderer sees as `window.urna`. */
export type StationApiClient = {
  readonly [M in StationApiMethod]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>>;
};

export function isStationApiMethod(name: unknown): name is StationApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(stationApi, name);
}

/** The IPC channel the preload and main agree on. */
export const STATION_API_CHANNEL = 'urna:station-api';
/** The renderer-process argument that carries the method names to the preload. */
export const STATION_API_METHODS_ARG = '--urna-api-methods=';
