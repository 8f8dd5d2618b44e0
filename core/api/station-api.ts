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
import { ID_PATTERN, type LogKind } from '../ids';
import type { BallotView, LocalizedText } from './ballot';
import type { VoidReason } from '../ledger/station-entries';
import type { PollsState } from '../record/ballot-log-rules';
import type { CheckInRefusal, ReissueRefusal, StationRefusal } from './refusals';

export type { PollsState } from '../record/ballot-log-rules';
export type { CheckInRefusal, ReissueRefusal, StationRefusal } from './refusals';

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
  | 'internal'
  /** The method needs a signed-in poll worker or election official, and none with that role is signed in. */
  | 'not-authorized';

export type ApiError = {
  readonly code: ApiErrorCode;
  /** A plain message for logs and developers; the UI shows translated text keyed by `code`. */
  readonly message: string;
  /** For invalid arguments: where in the argument object each problem is. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
  /** Why the station refused, typed (core/api/refusals.ts): what the screens switch on, never `message`. */
  readonly refusal?: StationRefusal;
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

/**
 * The audio ballot's settings for one voter (docs/AUDIO.md). Like the display
 * settings they live in main and go back to the defaults when the session ends.
 * `volume` and `speechRate` are steps (AUDIO_VOLUME_STEPS, AUDIO_RATE_STEPS).
 */
export type AudioSettings = {
  /** Speech is on: the voter started the audio ballot (or a poll worker did at check-in). */
  readonly enabled: boolean;
  readonly volume: number;
  readonly speechRate: number;
  /** The screen is dark for privacy while the voter listens. */
  readonly screenBlanked: boolean;
};
/** Gain of each volume step: quiet to loud, step 4 is the clip as recorded. */
export const AUDIO_VOLUME_STEPS = [0.25, 0.4, 0.6, 0.8, 1, 1.3, 1.6, 2] as const;
/** Playback rate of each speech-rate step: step 2 is as recorded. */
export const AUDIO_RATE_STEPS = [0.75, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2] as const;
export const DEFAULT_AUDIO_SETTINGS: AudioSettings = { enabled: false, volume: 4, speechRate: 2, screenBlanked: false };

/** One clip of the loaded package's audio ballot, as the voter's screens look it up. */
export type AudioClipView = {
  readonly phrase: string;
  readonly language: Language;
  readonly sha256: string;
  readonly durationMs: number;
};

/**
 * The kiosk's panel, so the screens can size text and targets in millimetres:
 * its density in physical pixels per inch. The station is configured with it
 * (`--panel-dpi`); the screens divide by the window's device pixel ratio.
 */
export type PanelView = { readonly dpi: number };

/** A 15.6" 1920×1080 panel, the kiosk this station is built for. */
export const DEFAULT_PANEL_DPI = 141;
/** Densities a panel can plausibly have; anything else is a configuration mistake. */
export const PANEL_DPI_RANGE = { min: 60, max: 400 } as const;

/** A device as the poll worker sees it: a state name and whether it can be used. */
export type DeviceStatus = {
  readonly state: string;
  readonly ready: boolean;
  /** Port or device path, when one is configured. */
  readonly port: string | null;
};

export type LedgerStatus = Readonly<Record<LogKind, { readonly size: number }>>;

/** A ballot recorded as pending whose paper did not print: the poll worker confirms or voids it. */
export type PendingBallotView = {
  readonly ballotId: string;
  /** The short confirmation code, as on the voter's screen and receipt. */
  readonly shortCode: string;
};

// ---- poll workers ----------------------------------------------------------------

/** Who may sign in with a card and PIN. */
export const STAFF_ROLES = ['poll-worker', 'election-official'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Why an inserted card cannot sign anyone in; each has a message in core/i18n. */
export type StaffCardRefusal =
  | 'not-an-urna-card'
  | 'certificate-invalid'
  | 'card-not-genuine'
  | 'card-unreadable'
  | 'card-unresponsive'
  | 'card-error'
  | 'reader-busy';

/** The poll worker's sign-in as the screens see it; the session itself lives in main. */
export type StaffSessionView =
  | { readonly state: 'no-reader' }
  | { readonly state: 'reader-unavailable' }
  | { readonly state: 'no-card' }
  | { readonly state: 'reading-card' }
  | { readonly state: 'card-refused'; readonly reason: StaffCardRefusal }
  | {
      readonly state: 'awaiting-pin';
      readonly role: StaffRole;
      readonly cardId: string;
      readonly wrongPin: { readonly remaining: number } | null;
    }
  | { readonly state: 'checking-pin'; readonly role: StaffRole; readonly cardId: string }
  | { readonly state: 'signed-in'; readonly role: StaffRole; readonly cardId: string; readonly idleSignOutMs: number }
  | { readonly state: 'locked'; readonly cardId: string }
  /** A voter activation card is in the reader: it activates a ballot, it signs nobody in. */
  | { readonly state: 'voter-card' };

/** The station's printed reports (the paper record and the receipt are PrintedDocument). */
export type ReportKind = 'zero-report' | 'closing-report';

/** A printout that a printer fault interrupted: fix the printer, then print it again (marked REPRINT). */
export type InterruptedPrintView = {
  readonly document: ReportKind | PrintedDocument;
  /** The printer's state when it failed (a key of the hardware messages). */
  readonly printerState: string;
};

/**
 * A ballot whose paper record and receipt printed but whose `ballot-cast` could not
 * be written (the station's disk is full): the paper is in the box, the ballot waits
 * in the log as pending, and the station tries again every `retryEveryMs` until it
 * is recorded. Reprinting is not the fix; freeing space is.
 */
export type RecordingFailedView = {
  /** 'storage-full': no space left on the data disk; 'storage-error': any other write failure. */
  readonly cause: 'storage-full' | 'storage-error';
  readonly shortCode: string;
  readonly retryEveryMs: number;
};

export const SELF_TEST_CHECKS = ['election', 'printer', 'card-reader', 'ledger', 'pollbook-key'] as const;
export type SelfTestCheck = (typeof SELF_TEST_CHECKS)[number];

/** The result of the setup self-test; `detail` is a state name the screens translate. */
export type SelfTestView = {
  readonly passed: boolean;
  readonly checks: readonly { readonly check: SelfTestCheck; readonly ok: boolean; readonly detail: string }[];
};

/** One validator as the sync client last saw it. */
export type ValidatorSyncView = {
  readonly name: string;
  readonly state: string;
  /** Largest size of each log the validator has cosigned. */
  readonly cosigned: Readonly<Record<LogKind, number>>;
  /** Entries of each log the validator has not cosigned yet. */
  readonly behind: Readonly<Record<LogKind, number>>;
  /** ISO time of the last successful exchange, or null if it was never reached. */
  readonly lastReachedAt: string | null;
};

export type SyncView =
  | { readonly configured: false }
  | {
      readonly configured: true;
      readonly threshold: number;
      readonly validators: readonly ValidatorSyncView[];
      /** Entries the station holds back until its next batch, so that no validator learns when each voter came. */
      readonly heldForBatch: number;
    };

/** What check-in answers; over the API a refusal is an error whose refusal is `check-in-refused` (core/api/refusals.ts). */
export type CheckedIn = {
  readonly outcome: 'checked-in';
  readonly precinctId: string;
  readonly ballotStyleId: string;
  readonly activation: 'kiosk' | 'card';
};
export type CheckInResult = CheckedIn | { readonly outcome: 'refused'; readonly reason: CheckInRefusal };

export type Reissued = {
  readonly outcome: 'reissued';
  readonly precinctId: string;
  readonly ballotStyleId: string;
  readonly activation: 'kiosk' | 'card';
};
export type ReissueResult = Reissued | { readonly outcome: 'refused'; readonly reason: ReissueRefusal };

export type StationStatus = {
  readonly stationId: string;
  readonly mode: 'demo' | 'production';
  readonly electionBaseHash: string | null;
  /** Why the election on disk could not be loaded, for the poll worker; null when it loaded or none is there. */
  readonly electionProblem: LocalizedText | null;
  readonly pollsState: PollsState;
  readonly printer: DeviceStatus;
  readonly cardReader: DeviceStatus;
  readonly ledger: LedgerStatus;
  readonly display: DisplaySettings;
  /** Counts of ballots in the ballot log: never any per-contest count. */
  readonly ballots: { readonly cast: number; readonly challenged: number; readonly voided: number };
  readonly pendingBallots: readonly PendingBallotView[];
  readonly voterSession: VoterSessionView['phase'];
  readonly staff: StaffSessionView;
  readonly pollBook: {
    readonly checkIns: number;
    /** New ballots issued to voters already checked in who had none (voided, or never recorded). */
    readonly ballotsReissued: number;
    /** Whether the poll-book key was provisioned and matches the package's commitment. */
    readonly key: 'missing' | 'mismatch' | 'ok' | 'no-election';
    /** The precinct this station serves, if provisioned for one. */
    readonly precinctId: string | null;
  };
  /** A check-in chose activation by card: the station waits for the voter's activation card. */
  readonly awaitingActivationCard: { readonly ballotStyleId: string } | null;
  readonly interruptedPrint: InterruptedPrintView | null;
  /** A printed ballot the station could not yet record as cast (a full disk). */
  readonly recordingFailed: RecordingFailedView | null;
  readonly selfTest: SelfTestView | null;
  /** Where the station looks for an election package (removable media), if configured. */
  readonly packageSource: string | null;
  readonly sync: SyncView;
};

// ---- the voter session -----------------------------------------------------------

/** How long the kiosk waits for a voter: a warning after `warnAfterMs`, the session ends after `endAfterMs`. */
export type InactivityTimeouts = { readonly warnAfterMs: number; readonly endAfterMs: number };

export type ShownConfirmationCode = {
  /** Two groups of four Crockford base32 characters. */
  readonly short: string;
  /** The whole 32-byte code, unpadded base64url, as in the ledger entry and the receipt's QR code. */
  readonly full: string;
};

/** Which of the two printouts was being printed. */
export type PrintedDocument = 'paper-record' | 'receipt';

/** Why a session without a voter ended last (for the waiting screen). */
export type SessionEnd = 'cast' | 'timed-out' | 'resolved-by-poll-worker';

/**
 * The voter session as the renderer may see it: never the encryption secrets,
 * never the choices (the renderer holds its own copy of those while marking).
 */
/** A ballot the voter spoiled to check it: its code, whether its slip printed, where to look it up. */
export type ChallengedNotice = {
  readonly shortCode: string;
  readonly slipPrinted: boolean;
  /** A validator's public lookup of the code (as printed on the slip), or null if the election names none. */
  readonly lookup: string | null;
};

export type VoterSessionView =
  | { readonly phase: 'none'; readonly lastEnded: SessionEnd | null }
  | {
      readonly phase: 'marking';
      readonly sessionId: string;
      readonly ballot: BallotView;
      readonly timeouts: InactivityTimeouts;
      /** Set after the voter challenged a ballot and is marking again. */
      readonly challenged: ChallengedNotice | null;
    }
  | {
      readonly phase: 'committed';
      readonly sessionId: string;
      readonly ballot: BallotView;
      readonly timeouts: InactivityTimeouts;
      readonly code: ShownConfirmationCode;
    }
  | {
      readonly phase: 'printing';
      readonly sessionId: string;
      readonly document: PrintedDocument;
      readonly code: ShownConfirmationCode;
    }
  | {
      readonly phase: 'print-failed';
      readonly sessionId: string;
      readonly document: PrintedDocument;
      readonly code: ShownConfirmationCode;
      /** The printer's state when it failed, for the poll worker (a key of the hardware messages). */
      readonly printerState: string;
    }
  /** Printed, but not yet recorded as cast (a full disk): the voter waits for a poll worker. */
  | {
      readonly phase: 'recording-failed';
      readonly sessionId: string;
      readonly code: ShownConfirmationCode;
      readonly cause: RecordingFailedView['cause'];
      readonly retryEveryMs: number;
    }
  | {
      readonly phase: 'cast';
      readonly sessionId: string;
      readonly timeouts: InactivityTimeouts;
      readonly code: ShownConfirmationCode;
    };

export type VoterScreen = {
  readonly pollsState: PollsState;
  readonly display: DisplaySettings;
  readonly audio: AudioSettings;
  readonly panel: PanelView;
  readonly session: VoterSessionView;
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

const idString = z.string().regex(ID_PATTERN);
/** Bounds that no real ballot reaches, so a hostile call cannot cost unbounded work. */
const MAX_CONTESTS = 200;
const MAX_MARKS_PER_CONTEST = 64;

const ballotMarksSchema = z
  .object({
    selections: z
      .record(idString, z.array(idString).max(MAX_MARKS_PER_CONTEST).readonly())
      .refine((r) => Object.keys(r).length <= MAX_CONTESTS, 'too many contests')
      .readonly(),
    writeIns: z
      .record(
        idString,
        z
          .record(idString, z.string().max(200))
          .refine((r) => Object.keys(r).length <= MAX_MARKS_PER_CONTEST, 'too many write-ins')
          .readonly(),
      )
      .refine((r) => Object.keys(r).length <= MAX_CONTESTS, 'too many contests')
      .readonly(),
  })
  .strict();

/**
 * Why a poll worker voids a pending ballot: the ledger's reasons, spelled out
 * here (not imported) so the renderer bundle does not pull in the ballot schemas.
 */
const VOID_REASON_VALUES = [
  'not-printed',
  'printed-incorrectly',
  'voter-left',
] as const satisfies readonly VoidReason[];
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const voidReasonsComplete: SameMembers<(typeof VOID_REASON_VALUES)[number], VoidReason> = true;
void voidReasonsComplete;

export const stationApiSpec = {
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
  setAudioSettings: method<AudioSettings>()(
    z
      .object({
        enabled: z.boolean().optional(),
        volume: z
          .int()
          .min(0)
          .max(AUDIO_VOLUME_STEPS.length - 1)
          .optional(),
        speechRate: z
          .int()
          .min(0)
          .max(AUDIO_RATE_STEPS.length - 1)
          .optional(),
        screenBlanked: z.boolean().optional(),
      })
      .strict(),
  ),
  /** The loaded package's audio clips (phrase, language, hash, length); empty when it has no audio ballot. */
  getAudioClips: method<readonly AudioClipView[]>()(noArguments),
  /** One clip's WAV bytes as base64, if the loaded package's manifest names it (main checks its hash again). */
  getAudioClip: method<{ readonly wavBase64: string }>()(
    z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/u) }).strict(),
  ),
  /** The voter screens' state; polled by the renderer. */
  getVoterSession: method<VoterScreen>()(noArguments),
  /**
   * The voter is done marking: main checks the marks against the contest rules,
   * encrypts them with proofs and shows the confirmation code. An undervote is
   * accepted only once the voter has seen the warning.
   */
  commitBallot: method<VoterScreen>()(
    z.object({ marks: ballotMarksSchema, undervoteAcknowledged: z.boolean() }).strict(),
  ),
  /** Records the committed ballot as pending, prints the paper record and the receipt, then records it as cast. */
  castBallot: method<VoterScreen>()(noArguments),
  /** Publishes the committed ballot's plaintext and nonce instead of casting it; the voter marks again. */
  challengeBallot: method<VoterScreen>()(noArguments),
  /** The voter is still there (a touch or a key press). */
  touchVoterSession: method<VoterScreen>()(noArguments),
  /** The voter has taken the receipt: the kiosk goes back to waiting. */
  finishVoterSession: method<VoterScreen>()(noArguments),

  // ---- poll workers: every method below is checked against the signed-in role in main
  /** Proves the inserted staff card with its PIN (challenge–response on the card). */
  signIn: method<StaffSessionView>()(z.object({ pin: z.string().max(16) }).strict()),
  signOut: method<StaffSessionView>()(noArguments),
  /** Setup: loads and verifies the election package from the configured removable media. */
  loadElectionPackage: method<StationStatus>()(noArguments),
  runSelfTest: method<SelfTestView>()(noArguments),
  /** Opens the polls and prints the zero report; refused over any recorded ballot. */
  openPolls: method<StationStatus>()(noArguments),
  pausePolls: method<StationStatus>()(noArguments),
  resumePolls: method<StationStatus>()(noArguments),
  /** Closes the polls for good and prints the closing report. */
  closePolls: method<StationStatus>()(noArguments),
  /** `audio`: the poll worker starts the voter's audio ballot (headphones and keypad) with the session. */
  checkInVoter: method<CheckedIn>()(
    z
      .object({ voterId: z.string().max(64), activation: z.enum(['kiosk', 'card']), audio: z.boolean().optional() })
      .strict(),
  ),
  /**
   * A new ballot for a voter already checked in at this station who has none (it
   * was voided, or the session ended with nothing recorded): only while fewer
   * ballots are cast or pending than voters checked in; recorded in the poll book,
   * then activated like a check-in.
   */
  reissueBallot: method<Reissued>()(
    z
      .object({ voterId: z.string().max(64), activation: z.enum(['kiosk', 'card']), audio: z.boolean().optional() })
      .strict(),
  ),
  /** Cancels a check-in's wait for an activation card (the voter never got one); the check-in stays recorded. */
  cancelCardActivation: method<StationStatus>()(noArguments),
  /** A pending ballot (print failure or crash): cast it (paper in the box, voter has the receipt) or void it. */
  resolvePendingBallot: method<StationStatus>()(
    z.discriminatedUnion('outcome', [
      z.object({ ballotId: z.string().max(80), outcome: z.literal('cast') }).strict(),
      z
        .object({ ballotId: z.string().max(80), outcome: z.literal('void'), reason: z.enum(VOID_REASON_VALUES) })
        .strict(),
    ]),
  ),
  /** Prints the interrupted printout again, marked REPRINT, once the printer fault is cleared. */
  reprintInterrupted: method<StationStatus>()(noArguments),
  /** Election official: writes the station's event log as JSON lines to the removable media. */
  exportEventLog: method<{ readonly file: string; readonly events: number }>()(noArguments),
} as const;

export type StationApiSpec = typeof stationApiSpec;
export type StationApiMethod = keyof StationApiSpec;
export const STATION_API_METHODS = Object.keys(stationApiSpec) as StationApiMethod[];

export type MethodInput<M extends StationApiMethod> = z.input<StationApiSpec[M]['input']>;
export type MethodArgs<M extends StationApiMethod> = z.output<StationApiSpec[M]['input']>;
export type MethodOutput<M extends StationApiMethod> =
  StationApiSpec[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

/** What the renderer sees as `window.urna`. */
export type StationApiClient = {
  readonly [M in StationApiMethod]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>>;
};

export function isStationApiMethod(name: unknown): name is StationApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(stationApiSpec, name);
}

/** The IPC channel the preload and main agree on. */
export const STATION_API_CHANNEL = 'urna:station-api';
/** The renderer-process argument that carries the method names to the preload. */
export const STATION_API_METHODS_ARG = '--urna-api-methods=';
