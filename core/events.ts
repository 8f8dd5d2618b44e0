/**
 * Every event the station, its drivers, the validator and the CLI can log: one
 * entry per id, with its kind, the layer that logs it, one line saying what it
 * means and the fields every line of it carries. `EventId` is a key of this
 * table, so a log call with an unregistered id does not typecheck; docs/EVENTS.md
 * is generated from it (`npm run events-doc`) and a test keeps the two equal.
 *
 * Ids read `area.what-happened` and never change meaning once released, so that
 * officials can search logs across software versions.
 *
 * Which layer logs what: a driver (hardware/) logs device facts only it can see
 * (connection, status changes, bytes it did not expect); the result of an
 * operation it was asked to do goes back to its caller as a `Result`, and the
 * station logs, once, what happened to the person's request (`auth.pin-wrong`,
 * not also `card-reader.pin-wrong`). A person's request ends in one event with
 * `outcome: 'success' | 'failure'`.
 */

/** VxSuite's event types, plus the simulators'. */
export type EventKind =
  'user-action' | 'application-action' | 'application-status' | 'device-status' | 'security' | 'simulation';

/** Where the log call is: main/ (the station), hardware/ (drivers and simulators), validator/, cli/. */
export type EventLayer = 'main' | 'hardware' | 'validator' | 'cli';

export type Outcome = 'success' | 'failure';

export type EventSpec = {
  readonly kind: EventKind;
  readonly layer: EventLayer;
  readonly doc: string;
  /** Fields every line of this event carries (besides `outcome`). */
  readonly fields: readonly string[];
  /** The `outcome` every line carries: a fixed one, or either ('either'); absent: the event has none. */
  readonly outcome?: Outcome | 'either';
};

/**
 * Fields no event may carry. The event log has wall-clock times and check-ins in
 * it: a voter's identity, a ballot's id, code or content, or a caller's own time
 * next to a ballot event would link a ballot to a voter.
 */
export const BANNED_FIELDS = [
  'voterId',
  'voterHash',
  'voterName',
  'tokenId',
  'ballotId',
  'confirmationCode',
  'marks',
  'selections',
  'choices',
  'time',
  'timestamp',
] as const;
export type BannedField = (typeof BANNED_FIELDS)[number];

const DEVICE_EVENTS = {
  'driver-started': { fields: ['path'], doc: (name: string) => `The ${name} driver started watching its serial port.` },
  'driver-stopped': { fields: ['path'], doc: (name: string) => `The ${name} driver stopped.` },
  'port-opened': { fields: ['path'], doc: (name: string) => `The ${name}'s serial port opened.` },
  connected: { fields: ['path'], doc: (name: string) => `The ${name} answered on its port.` },
  'port-lost': {
    fields: ['path', 'reason'],
    doc: (name: string) => `The ${name}'s port closed or failed (unplugged, or an I/O error); the driver reopens it.`,
  },
  'status-changed': {
    fields: ['from', 'to'],
    doc: (name: string) => `The ${name}'s status changed (logged once per change).`,
  },
} as const;

const SIMULATOR_EVENTS = {
  started: { fields: ['path'], doc: (name: string) => `The ${name} simulator opened its end of the pseudo-terminal.` },
  disappeared: { fields: ['path'], doc: (name: string) => `The ${name} simulator's port went away.` },
  'port-error': { fields: ['message'], doc: (name: string) => `The ${name} simulator's port reported an error.` },
  silent: {
    fields: ['silent'],
    doc: (name: string) => `The ${name} simulator stopped or resumed answering (a cable pulled, in effect).`,
  },
} as const;

type Family<
  Table extends Record<string, { readonly fields: readonly string[] }>,
  Prefix extends string,
  Kind extends EventKind,
> = {
  readonly [S in keyof Table & string as `${Prefix}.${S}`]: {
    readonly kind: Kind;
    readonly layer: 'hardware';
    readonly doc: string;
    readonly fields: Table[S]['fields'];
  };
};

/** One family of events (every serial driver's, every simulator's) for one device. */
function family<
  Table extends Record<string, { readonly fields: readonly string[]; readonly doc: (name: string) => string }>,
  Prefix extends string,
  Kind extends EventKind,
>(table: Table, prefix: Prefix, kind: Kind, name: string): Family<Table, Prefix, Kind> {
  const entries = Object.entries(table).map(([suffix, event]) => [
    `${prefix}.${suffix}`,
    { kind, layer: 'hardware', doc: event.doc(name), fields: event.fields },
  ]);
  // Object.fromEntries cannot type computed keys; the mapped type above is what it builds.
  return Object.fromEntries(entries) as Family<Table, Prefix, Kind>;
}

const userAction = <const F extends readonly string[], const O extends Outcome | 'either'>(
  doc: string,
  fields: F,
  outcome: O,
) => ({ kind: 'user-action', layer: 'main', doc, fields, outcome }) as const;
const refused = <const F extends readonly string[]>(doc: string, fields: F) => userAction(doc, fields, 'failure');
const status = <const F extends readonly string[]>(doc: string, fields: F) =>
  ({ kind: 'application-status', layer: 'main', doc, fields }) as const;
const action = <const F extends readonly string[]>(doc: string, fields: F) =>
  ({ kind: 'application-action', layer: 'main', doc, fields }) as const;
const security = <const F extends readonly string[]>(doc: string, fields: F) =>
  ({ kind: 'security', layer: 'main', doc, fields }) as const;
const validator = <const F extends readonly string[]>(doc: string, fields: F) =>
  ({ kind: 'application-status', layer: 'validator', doc, fields }) as const;
const validatorAction = <const F extends readonly string[], const O extends Outcome>(
  doc: string,
  fields: F,
  outcome: O,
) => ({ kind: 'application-action', layer: 'validator', doc, fields, outcome }) as const;
const simulate = <const F extends readonly string[]>(doc: string, fields: F) =>
  ({ kind: 'simulation', layer: 'cli', doc, fields: ['stationId', ...fields] as const }) as const;

/** The registry. Keep each area's ids together; docs/EVENTS.md lists them in this order. */
export const EVENTS = {
  // The application (main/index.ts).
  'app.started': status('The kiosk application started.', ['mode']),
  'app.start-failed': status('The kiosk application could not start.', ['error']),
  'app.stopped': status('The kiosk application stopped.', []),
  'app.stop-failed': status('Stopping the station failed; the application quits anyway.', ['error']),
  'app.second-instance-refused': security('A second copy of the application was started and quit at once.', []),

  // The station API between the screens and main.
  'api.call-rejected': security(
    'A call from the screens was refused before any handler ran: unknown method, bad arguments or a foreign sender.',
    ['code', 'origin'],
  ),
  'api.handler-failed': status(
    'A station API handler threw (a state believed impossible); the screen got an internal error.',
    ['method', 'origin', 'error'],
  ),
  'api.refusal-malformed': status(
    'A handler returned a refusal the screens have no message for; the screen got an internal error.',
    ['method', 'origin', 'code'],
  ),

  // Staff sign-in with a poll-worker or official card (main/station/staff-auth.ts).
  'auth.signed-in': userAction(
    'A poll worker or official signed in with card and PIN.',
    ['action', 'from', 'to'],
    'success',
  ),
  'auth.signed-out': userAction(
    'A signed-in card was signed out (card removed, idle, or asked).',
    ['action', 'from', 'to', 'why'],
    'success',
  ),
  'auth.pin-wrong': userAction(
    'A wrong PIN was entered; `remaining` tries are left on the card.',
    ['action', 'from', 'to', 'remaining'],
    'failure',
  ),
  'auth.card-locked': userAction(
    'The card refused the PIN for good (no tries left).',
    ['action', 'from', 'to'],
    'failure',
  ),
  'auth.card-refused': userAction(
    'The inserted card cannot sign anyone in (not genuine, invalid certificate, unreadable, wrong role…).',
    ['action', 'from', 'to', 'reason'],
    'failure',
  ),
  'auth.transition': status("The sign-in state changed without a person's request (card inserted, reader state).", [
    'action',
    'from',
    'to',
  ]),
  'auth.action-refused': refused(
    'A privileged action was asked for without a signed-in card of a role that may do it.',
    ['action', 'reason'],
  ),
  'auth.pin-refused': refused('A PIN was submitted while no card was waiting for one.', ['reason', 'state']),

  // Voter activation by card (main/station/check-in.ts).
  'activation.card-accepted': userAction(
    'A voter activation card was read, checked and burnt; the voter session started.',
    ['ballotStyleId'],
    'success',
  ),
  'activation.card-refused': refused('A voter activation card was refused (unreadable, not genuine, already used…).', [
    'reason',
  ]),
  'activation.card-ignored': refused(
    'A voter activation card was inserted while no check-in was waiting for one, or without a reader.',
    ['reason'],
  ),
  'activation.card-failed': userAction(
    'Reading a voter activation card failed inside the station (a bug); the card was not used.',
    ['error'],
    'failure',
  ),

  // A voter's session at the kiosk (main/station/voter-session.ts, casting.ts).
  'voter.session-transition': status(
    'The voter session moved between phases (marking, committed, printing, cast…); never a choice or a ballot id.',
    ['action', 'from', 'to'],
  ),
  'voter.session-timed-out': action('An idle voter session ended on its own.', ['phase']),
  'voter.activation-refused': refused(
    'A voter session could not start (no election, polls not open, a session active, unknown ballot style).',
    ['reason'],
  ),
  'voter.commit-refused': refused(
    "The voter's marks could not be committed (wrong phase, invalid marks, printer not ready).",
    ['reason'],
  ),
  'voter.cast-refused': refused('Cast was pressed when the session was not committed.', ['reason']),
  'voter.challenge-refused': refused('Challenge was pressed when the session was not committed.', ['reason']),
  'voter.finish-refused': refused('The session was finished before the ballot was cast.', ['reason']),

  // Ballots (main/station/casting.ts, printing.ts).
  'ballot.cast': userAction(
    'A ballot was cast and recorded; `ballotsCast` is the running count.',
    ['ballotsCast'],
    'success',
  ),
  'ballot.cast-not-recorded': userAction(
    'A printed ballot could not be recorded as cast (storage full or failing); it is retried.',
    ['cause', 'retryEveryMs'],
    'failure',
  ),
  'ballot.challenged': userAction(
    'A committed ballot was challenged (spoiled for checking); `ballotsChallenged` is the running count.',
    ['ballotsChallenged'],
    'success',
  ),
  'ballot.print-failed': userAction(
    "A ballot's paper record or receipt did not print; the ballot stays pending.",
    ['kind', 'state'],
    'failure',
  ),
  'ballot.print-job-crashed': status(
    'The ballot print job threw (a bug, not a printer fault); the ballot stays pending.',
    ['error'],
  ),
  'ballot.reprint-requested': userAction(
    'A poll worker had an interrupted ballot printout printed again.',
    ['cardId'],
    'success',
  ),
  'ballot.reprint-started': action('The interrupted ballot documents are being printed again.', ['documents']),
  'ballot.reprinted': userAction('The interrupted ballot documents printed.', [], 'success'),
  'ballot.reprint-refused': refused('A reprint was asked for with nothing to reprint or the printer not ready.', [
    'reason',
  ]),
  'ballot.pending-resolved': userAction(
    'A poll worker resolved a pending ballot as cast or void (`resolution`).',
    ['cardId', 'resolution'],
    'success',
  ),
  'ballot.resolve-refused': refused(
    'A pending ballot could not be resolved (not pending, still printing, polls not open).',
    ['reason'],
  ),

  // The polls (main/station/polls.ts).
  'polls.opened': userAction(
    'A poll worker opened the polls (recorded in both logs; the zero report prints next).',
    ['cardId'],
    'success',
  ),
  'polls.paused': userAction('A poll worker paused the polls.', ['cardId'], 'success'),
  'polls.resumed': userAction('A poll worker resumed the polls.', ['cardId'], 'success'),
  'polls.closed': userAction('A poll worker closed the polls for good.', ['cardId'], 'success'),
  'polls.transition-refused': refused('A polls transition is not allowed from the current state.', ['reason']),
  'polls.open-refused': refused('The polls cannot open: ballots are already recorded.', ['reason']),
  'polls.pause-refused': refused('The polls cannot pause during a voter session.', ['reason']),
  'polls.close-refused': refused('The polls cannot close during a voter session or with ballots pending.', ['reason']),
  'polls.pollbook-append-failed': status('The poll book copy of a polls transition could not be written.', [
    'entry',
    'reason',
  ]),

  // Reports (main/station/polls.ts, printing.ts).
  'report.printed': userAction('A polls report (zero report, closing report) printed.', ['report'], 'success'),
  'report.print-failed': userAction(
    'A polls report did not print; it can be reprinted.',
    ['report', 'printerState'],
    'failure',
  ),
  'report.reprinted': userAction(
    'A poll worker had an interrupted report printed again.',
    ['cardId', 'report'],
    'success',
  ),
  'report.reprint-failed': userAction('Reprinting a report failed.', ['cardId', 'report', 'printerState'], 'failure'),

  // The poll book (main/station/check-in.ts, open-station.ts).
  'pollbook.checked-in': userAction(
    'A poll worker checked a voter in (no voter id, no hash: only precinct and ballot style), and whether they started the audio ballot.',
    ['cardId', 'precinctId', 'ballotStyleId', 'activation', 'audio'],
    'success',
  ),
  'pollbook.check-in-refused': refused('A check-in was refused (already voted, not on the list, ledger failure…).', [
    'cardId',
    'reason',
  ]),
  'pollbook.ballot-reissued': userAction(
    'A poll worker reissued a ballot to a voter whose ballot was voided, and whether they started the audio ballot.',
    ['cardId', 'precinctId', 'ballotStyleId', 'activation', 'audio'],
    'success',
  ),
  'pollbook.reissue-refused': refused('A reissue was refused.', ['cardId', 'reason']),
  'pollbook.card-activation-cancelled': userAction(
    'A poll worker cancelled a check-in that was waiting for an activation card.',
    ['cardId', 'ballotStyleId'],
    'success',
  ),
  'pollbook.key-refused': status('The poll book key on disk could not be used.', ['reason']),

  // The election package (main/election/, main/station/setup.ts, open-station.ts).
  'election.package-loaded': status(
    "An election package passed every check and was stored, by a caller that gave the election store a logger (the station logs the official's request instead).",
    ['electionId', 'baseHash'],
  ),
  'election.package-refused': status(
    'An election package failed a check (signature, schema, another election…), as election.package-loaded.',
    ['codes'],
  ),
  'election.loaded': status('The stored election package was loaded at start.', ['electionId', 'baseHash']),
  'election.loaded-from-media': userAction(
    'An election official loaded the election package from removable media.',
    ['electionId', 'baseHash'],
    'success',
  ),
  'election.load-refused': refused(
    'An election package was not loaded (already loaded, no media, refused package, another election); `codes` say why a package was refused.',
    ['reason'],
  ),
  'election.authority-key-pinned': status("The election authority's verifier key was pinned on first use.", [
    'keyName',
  ]),
  'election.authority-key-pin-refused': status('A second authority key was offered after one was pinned.', ['reason']),

  // Exporting the event log (main/station/export.ts).
  'events.exported': userAction(
    'An official exported the event log to removable media.',
    ['cardId', 'file'],
    'success',
  ),
  'events.export-refused': refused('The event log export was refused (no media).', ['cardId', 'reason']),
  'events.export-failed': userAction('Writing the event log to media failed.', ['cardId', 'reason'], 'failure'),

  // Display settings a voter changes (main/station/station-service.ts).
  'display.settings-changed': userAction(
    'The voter changed language, text size or contrast.',
    ['from', 'to'],
    'success',
  ),
  'display.settings-reset': action('Display settings went back to the defaults for the next voter.', []),
  'audio.settings-changed': userAction(
    'The voter started or stopped the audio ballot, or changed its volume, speed or screen blanking.',
    ['from', 'to'],
    'success',
  ),
  'audio.settings-reset': action('Audio ballot settings went back to the defaults for the next voter.', []),

  // The ledger (main/ledger/, main/station/).
  'ledger.append-failed': status('An entry could not be appended to a log (disk full, I/O error).', [
    'log',
    'entry',
    'reason',
  ]),
  'ledger.open-refused': status('The ledger could not be opened at start.', ['reason']),

  // The station as a whole (main/station/open-station.ts, setup.ts, demo-*.ts).
  'station.opened': status('The station opened its ledger and state.', [
    'stationId',
    'ballots',
    'pollbook',
    'pollsState',
  ]),
  'station.provisioned': status('The demo station provisioned itself.', ['stationId']),
  'station.identity-refused': status('The station key could not be loaded.', ['reason']),
  'station.pending-ballots-recovered': status(
    'At start, ballots left pending by a crash were found; a poll worker resolves them.',
    ['count'],
  ),
  'station.self-test': userAction(
    'A poll worker ran the self-test; `failed` names the checks that failed.',
    ['cardId', 'passed', 'failed'],
    'either',
  ),
  'station.demo-devices-started': status('Demo mode: the simulated printer and card reader started.', [
    'printer',
    'cardReader',
  ]),
  'station.demo-devices-unavailable': status('Demo mode: the simulated devices could not start.', ['reason']),
  'station.demo-console-command': action('Demo mode: a command was sent to a simulated device.', ['device', 'command']),
  'station.demo-election-provisioned': status('Demo mode: the demo election was provisioned.', [
    'electionId',
    'baseHash',
  ]),

  // The browser window's lockdown (main/electron/hardening.ts).
  'security.navigation-blocked': security('The window tried to navigate away from the app; blocked.', ['url']),
  'security.webview-blocked': security('A webview was about to be attached; blocked.', []),
  'security.window-open-blocked': security('The page tried to open a window; blocked.', ['url']),
  'security.devtools-closed': security('Developer tools were opened in production; closed.', []),
  'security.permission-denied': security('The page asked for a permission (camera, notifications…); denied.', [
    'permission',
  ]),

  // Sending the logs to validators (main/sync/).
  'sync.started': status('Sync with the validators started.', ['validators', 'threshold']),
  'sync.stopped': status('Sync stopped.', []),
  'sync.batch-released': status('A batch of entries was released for sync.', ['ballots', 'pollbook']),
  'sync.cosigned': {
    kind: 'application-action',
    layer: 'main',
    doc: 'A validator cosigned a log head.',
    fields: ['validator', 'log', 'size'],
    outcome: 'success',
  },
  'sync.bad-cosignature': {
    kind: 'security',
    layer: 'main',
    doc: "A validator's cosignature did not verify.",
    fields: ['validator', 'log', 'size'],
    outcome: 'failure',
  },
  'sync.request-failed': {
    kind: 'application-action',
    layer: 'main',
    doc: 'A request to a validator failed; it is retried.',
    fields: ['validator', 'code', 'message'],
    outcome: 'failure',
  },
  'sync.resumed-at': status('A validator already had a prefix of the log; sync resumes after it.', [
    'validator',
    'log',
    'size',
  ]),
  'sync.checkpoint-final': status("A closed log's final head has its threshold of cosignatures.", [
    'log',
    'size',
    'threshold',
  ]),

  // The serial drivers (hardware/): device facts only.
  ...family(DEVICE_EVENTS, 'printer', 'device-status', 'receipt printer'),
  ...family(DEVICE_EVENTS, 'card-reader', 'device-status', 'card reader'),
  'printer.status-refresh-skipped': {
    kind: 'device-status',
    layer: 'hardware',
    doc: 'A status poll was skipped because the printer was busy.',
    fields: ['reason'],
  },
  'printer.unmappable-characters': {
    kind: 'device-status',
    layer: 'hardware',
    doc: 'A document had characters the printer\'s code page lacks; they print as "?".',
    fields: ['characters'],
  },
  'printer.unexpected-bytes': {
    kind: 'device-status',
    layer: 'hardware',
    doc: 'The printer sent bytes no request asked for (counted, then ignored).',
    fields: ['total'],
  },
  'card-reader.operation-failed': {
    kind: 'device-status',
    layer: 'hardware',
    doc: "A card operation failed at the device (busy, no answer, unreadable card, card error); verdicts on the card itself are the station's to log.",
    fields: ['operation', 'kind'],
  },
  'card-reader.issuer-key-trusted': {
    kind: 'application-action',
    layer: 'main',
    doc: "The card reader now trusts the loaded election's poll-worker card issuer key.",
    fields: ['keyHex'],
  },

  // The device simulators (hardware/sim/).
  ...family(SIMULATOR_EVENTS, 'sim.printer', 'simulation', 'printer'),
  ...family(SIMULATOR_EVENTS, 'sim.card-reader', 'simulation', 'card reader'),
  'sim.printer.fault-set': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'A fault (paper out, cover open…) was set or cleared on the simulated printer.',
    fields: ['fault', 'value'],
  },
  'sim.printer.receipt-cut': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'The simulated printer cut a receipt.',
    fields: ['number', 'lines'],
  },
  'sim.printer.render-failed': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'A simulated receipt could not be rendered to an image.',
    fields: ['name', 'message'],
  },
  'sim.card-reader.card-inserted': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'A simulated card was inserted.',
    fields: ['cardId', 'backwards'],
  },
  'sim.card-reader.card-removed': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'The simulated card was removed.',
    fields: [],
  },
  'sim.card-reader.card-mute': {
    kind: 'simulation',
    layer: 'hardware',
    doc: 'The simulated card stopped or resumed answering.',
    fields: ['mute'],
  },

  // The election-day simulation (cli/simulate/).
  'simulate.paper-running-out': simulate("The simulated station's printer is about to run out of paper.", [
    'voter',
    'lines',
  ]),
  'simulate.paper-loaded': simulate("Paper was loaded into the simulated station's printer.", []),
  'simulate.crash-planned': simulate("The simulation will kill the station at a chosen moment of a voter's session.", [
    'voter',
    'moment',
  ]),
  'simulate.station-killed': simulate('The simulation killed the station.', ['voter', 'moment']),
  'simulate.pending-resolved': simulate(
    'After the crash the simulated poll worker resolved the pending ballot from the paper.',
    ['confirmed', 'receipt'],
  ),
  'simulate.printer-waiting': simulate("The simulated voter waits for the station's printer to be ready.", ['state']),
  'simulate.printer-ready': simulate("The station's printer is ready again after a wait.", []),
  'simulate.station-restarted': simulate('The killed station was started again and its poll worker signed in.', []),
  'simulate.recovered': simulate(
    'After the restart, the pending ballots were resolved: how many were cast and voided.',
    ['cast', 'voided'],
  ),

  // The validator (validator/).
  'validator.started': validator('The validator started serving.', ['name', 'address', 'stations']),
  'validator.start-refused': validator('The validator could not start (configuration, store, keys).', ['reason']),
  'validator.stopped': validator('The validator stopped.', ['name']),
  'validator.request-refused': validatorAction(
    "A station's request was refused.",
    ['code', 'status', 'message'],
    'failure',
  ),
  'validator.http-refused': validatorAction(
    'An HTTP request was refused before reaching the service (malformed, too large, unknown route).',
    ['status', 'code', 'message'],
    'failure',
  ),
  'validator.internal-error': validator('A request failed inside the validator.', ['message']),
  'validator.verify-pool-failed': validator('The signature verification worker pool failed.', ['message']),
  'validator.cosigned': validatorAction(
    "The validator appended a station's entries and cosigned the new head.",
    ['origin', 'from', 'size', 'entries'],
    'success',
  ),
  'validator.pollbook-duplicate': {
    kind: 'security',
    layer: 'validator',
    doc: 'A voter hash was checked in twice (here and at `earlier`): evidence of double voting.',
    fields: ['origin', 'index', 'earlier'],
  },
  'validator.fork-detected': {
    kind: 'security',
    layer: 'validator',
    doc: 'A station showed a head inconsistent with what it signed before: evidence kept under `evidenceId`.',
    fields: ['origin', 'size', 'recordedSize', 'evidenceId'],
  },
} as const satisfies Record<string, EventSpec>;

export type EventId = keyof typeof EVENTS;

/** The events a station refusal is logged under (main/station/context.ts `refuse`): a reason and a failure, nothing else required. */
export type RefusalEventId = {
  [E in EventId]: (typeof EVENTS)[E] extends { readonly fields: readonly ['reason']; readonly outcome: 'failure' }
    ? E
    : never;
}[EventId];

/** The registry as plain data (for the docs and the checks). */
export const EVENT_SPECS: Readonly<Record<EventId, EventSpec>> = EVENTS;

export function isEventId(id: string): id is EventId {
  return Object.hasOwn(EVENTS, id);
}

type SpecOf<E extends EventId> = (typeof EVENTS)[E];
type RequiredField<E extends EventId> = SpecOf<E>['fields'][number];
type OutcomeOf<E extends EventId> =
  SpecOf<E> extends { readonly outcome: infer O } ? (O extends 'either' ? Outcome : O) : never;

/**
 * The fields a line of `E` must carry: its required fields, `outcome` if it has
 * one (of the registered value), and never a banned field. The `string extends`
 * guard keeps an entry whose field list was widened to `string[]` from requiring
 * every string; the helpers above keep the lists literal, so none is today.
 */
export type EventFields<E extends EventId> = Readonly<Record<string, unknown>> &
  (string extends RequiredField<E> ? unknown : { readonly [K in RequiredField<E>]: unknown }) &
  ([OutcomeOf<E>] extends [never] ? { readonly outcome?: never } : { readonly outcome: OutcomeOf<E> }) & {
    readonly [K in BannedField]?: never;
  };

/** What is wrong with a line of `eventId` with `fields`, by the registry; empty if nothing. */
export function eventProblems(eventId: string, fields: Readonly<Record<string, unknown>>): string[] {
  if (!isEventId(eventId)) return [`${eventId}: not a registered event id (core/events.ts)`];
  const spec = EVENT_SPECS[eventId];
  const problems = spec.fields
    .filter((field) => !(field in fields))
    .map((field) => `${eventId}: missing field "${field}"`);
  const outcome = fields['outcome'];
  if (spec.outcome === undefined) {
    if (outcome !== undefined) problems.push(`${eventId}: has an outcome but is not registered with one`);
  } else if (outcome !== 'success' && outcome !== 'failure') {
    problems.push(`${eventId}: missing field "outcome" ('success' or 'failure')`);
  } else if (spec.outcome !== 'either' && outcome !== spec.outcome) {
    problems.push(`${eventId}: outcome is "${outcome}", registered as "${spec.outcome}"`);
  }
  for (const banned of BANNED_FIELDS)
    if (banned in fields) problems.push(`${eventId}: carries the banned field "${banned}"`);
  return problems;
}
