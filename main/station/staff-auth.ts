/**
 * Poll workers' and election officials' sign-in: a card in the reader plus its PIN.
 * The card proves possession of its certified Ed25519 key by signing a fresh
 * challenge after the PIN check (hardware/card-reader), so a cloned card number
 * opens nothing. The session lives here, in main; the renderer only sees the view,
 * and every privileged API method asks `authorize` for the signed-in role.
 *
 * As in VxSuite's inserted-card auth, the state is a reducer over actions, and a
 * separate function logs each transition by comparing old and new.
 *
 * Longer than the station's other files on purpose: the reducer, the card-reader
 * effects it asks for and the transition log are one state machine, read
 * together when a sign-in misbehaves; split, each part would make sense only with
 * the others open beside it.
 */
import type { StaffCardRefusal, StaffRole, StaffSessionView } from '../../core/api/station-api';
import type { EventLogger } from '../../core/logging';
import { assertNever, err, ok, type Result } from '../../core/result';
import type { AuthenticatedCard, CardFailure } from '../../hardware/card-reader/card-reader';
import type { CardCertificate, CardRole } from '../../hardware/card-reader/card-data';
import type { CardReaderStatus } from '../../hardware/card-reader/status';

export type StaffCard = { readonly cardId: string; readonly role: StaffRole };

export type StaffAuthState =
  | { readonly state: 'no-reader' }
  | { readonly state: 'reader-unavailable' }
  | { readonly state: 'no-card' }
  | { readonly state: 'reading-card' }
  | { readonly state: 'card-refused'; readonly reason: StaffCardRefusal }
  | {
      readonly state: 'awaiting-pin';
      readonly card: StaffCard;
      readonly wrongPin: { readonly remaining: number } | null;
    }
  | { readonly state: 'checking-pin'; readonly card: StaffCard }
  | { readonly state: 'signed-in'; readonly card: StaffCard }
  | { readonly state: 'locked'; readonly card: StaffCard }
  | { readonly state: 'voter-card' };

export type StaffAuthAction =
  | { readonly type: 'reader-lost' }
  | { readonly type: 'reader-ready' }
  | { readonly type: 'card-inserted' }
  | { readonly type: 'card-removed' }
  | { readonly type: 'staff-card-identified'; readonly card: StaffCard }
  | { readonly type: 'voter-card-identified' }
  | { readonly type: 'card-refused'; readonly reason: StaffCardRefusal }
  | { readonly type: 'pin-submitted' }
  | { readonly type: 'pin-wrong'; readonly remaining: number }
  | { readonly type: 'card-locked' }
  | { readonly type: 'authenticated'; readonly card: StaffCard }
  | { readonly type: 'signed-out'; readonly why: 'requested' | 'idle' };

/**
 * The next state. Card events may arrive in any state (a card can be pulled at
 * any moment), so they always apply; PIN results apply only while a PIN is being
 * checked, because the card may have been pulled meanwhile.
 */
export function staffAuthReducer(state: StaffAuthState, action: StaffAuthAction): StaffAuthState {
  switch (action.type) {
    case 'reader-lost':
      return { state: 'reader-unavailable' };
    case 'reader-ready':
      return state.state === 'reader-unavailable' || state.state === 'no-reader' ? { state: 'no-card' } : state;
    case 'card-inserted':
      return { state: 'reading-card' };
    case 'card-removed':
      return { state: 'no-card' };
    case 'staff-card-identified':
      return state.state === 'reading-card' ? { state: 'awaiting-pin', card: action.card, wrongPin: null } : state;
    case 'voter-card-identified':
      return state.state === 'reading-card' ? { state: 'voter-card' } : state;
    case 'card-refused':
      return state.state === 'reading-card' || state.state === 'checking-pin'
        ? { state: 'card-refused', reason: action.reason }
        : state;
    case 'pin-submitted':
      return state.state === 'awaiting-pin' ? { state: 'checking-pin', card: state.card } : state;
    case 'pin-wrong':
      if (state.state !== 'checking-pin') return state;
      // The card counts the tries itself; at zero it refuses every PIN from now on.
      return action.remaining <= 0
        ? { state: 'locked', card: state.card }
        : { state: 'awaiting-pin', card: state.card, wrongPin: { remaining: action.remaining } };
    case 'card-locked':
      return state.state === 'checking-pin' || state.state === 'awaiting-pin'
        ? { state: 'locked', card: state.card }
        : state;
    case 'authenticated':
      return state.state === 'checking-pin' && state.card.cardId === action.card.cardId
        ? { state: 'signed-in', card: action.card }
        : state;
    case 'signed-out':
      return state.state === 'signed-in' ? { state: 'awaiting-pin', card: state.card, wrongPin: null } : state;
    default:
      return assertNever(action, 'staff auth action');
  }
}

export function logStaffAuthTransition(
  logger: EventLogger,
  before: StaffAuthState,
  after: StaffAuthState,
  action: StaffAuthAction,
): void {
  if (before === after) return;
  const card = 'card' in after ? after.card : 'card' in before ? before.card : undefined;
  const fields = {
    action: action.type,
    from: before.state,
    to: after.state,
    ...(card ? { cardId: card.cardId, role: card.role } : {}),
  };
  switch (after.state) {
    case 'signed-in':
      logger.log('auth.signed-in', { ...fields, outcome: 'success' });
      return;
    case 'locked':
      logger.log('auth.card-locked', { ...fields, outcome: 'failure' });
      return;
    case 'card-refused':
      logger.log('auth.card-refused', { ...fields, reason: after.reason, outcome: 'failure' });
      return;
    case 'awaiting-pin':
      if (after.wrongPin)
        logger.log('auth.pin-wrong', { ...fields, remaining: after.wrongPin.remaining, outcome: 'failure' });
      else if (before.state === 'signed-in')
        logger.log('auth.signed-out', {
          ...fields,
          why: action.type === 'signed-out' ? action.why : 'unknown',
          outcome: 'success',
        });
      else logger.log('auth.transition', fields);
      return;
    default:
      if (before.state === 'signed-in')
        logger.log('auth.signed-out', {
          ...fields,
          why: action.type === 'card-removed' ? 'card-removed' : action.type,
          outcome: 'success',
        });
      else logger.log('auth.transition', fields);
  }
}

/** What the sign-in needs of the card reader driver (hardware/card-reader/card-reader.ts). */
export interface StaffCardReader {
  getStatus(): CardReaderStatus;
  onStatusChange(listener: (status: CardReaderStatus) => void): () => void;
  identifyCard(options?: { readonly timeoutMs?: number }): Promise<Result<CardCertificate, CardFailure>>;
  authenticate(input: {
    readonly pin: string;
    readonly roles: readonly CardRole[];
    readonly timeoutMs?: number;
  }): Promise<Result<AuthenticatedCard, CardFailure>>;
}

export type StaffAuthOptions = {
  readonly reader: StaffCardReader | null;
  readonly logger: EventLogger;
  /** A signed-in session with no privileged action for this long signs out. */
  readonly idleSignOutMs?: number;
  /** A voter activation card was inserted (check-in by card picks it up). */
  readonly onVoterCard?: () => void;
};

export const DEFAULT_IDLE_SIGN_OUT_MS = 5 * 60_000;

function isStaffRole(role: CardRole): role is StaffRole {
  return role === 'poll-worker' || role === 'election-official';
}

/** A card failure, as the reason a card cannot sign anyone in. */
export function staffCardRefusal(failure: CardFailure): StaffCardRefusal {
  switch (failure.kind) {
    case 'not-an-urna-card':
    case 'token-missing':
    case 'token-invalid':
    case 'token-already-used':
    case 'wrong-card-role':
      return 'not-an-urna-card';
    case 'certificate-invalid':
      return 'certificate-invalid';
    case 'card-not-genuine':
      return 'card-not-genuine';
    case 'card-unreadable':
      return 'card-unreadable';
    case 'card-unresponsive':
      return 'card-unresponsive';
    case 'busy':
    case 'reader-unavailable':
      return 'reader-busy';
    case 'no-card':
    case 'wrong-pin':
    case 'card-locked':
    case 'card-error':
      return 'card-error';
    default:
      return assertNever(failure, 'card failure');
  }
}

export type AuthorizationRefusal =
  { readonly kind: 'not-signed-in' } | { readonly kind: 'role-not-allowed'; readonly role: StaffRole };

/** The sign-in state machine bound to the card reader's slot events and an idle timer. */
export class StaffAuth {
  private current: StaffAuthState;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleSignOutMs: number;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: StaffAuthOptions) {
    this.idleSignOutMs = options.idleSignOutMs ?? DEFAULT_IDLE_SIGN_OUT_MS;
    this.current = options.reader ? { state: 'reader-unavailable' } : { state: 'no-reader' };
  }

  start(): void {
    const reader = this.options.reader;
    if (!reader) return;
    this.unsubscribe = reader.onStatusChange((status) => this.readerStatus(status));
    this.readerStatus(reader.getStatus());
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.stopIdleTimer();
  }

  get state(): StaffAuthState {
    return this.current;
  }

  view(): StaffSessionView {
    const s = this.current;
    switch (s.state) {
      case 'no-reader':
      case 'reader-unavailable':
      case 'no-card':
      case 'reading-card':
      case 'voter-card':
        return { state: s.state };
      case 'card-refused':
        return { state: 'card-refused', reason: s.reason };
      case 'awaiting-pin':
        return { state: 'awaiting-pin', role: s.card.role, cardId: s.card.cardId, wrongPin: s.wrongPin };
      case 'checking-pin':
        return { state: 'checking-pin', role: s.card.role, cardId: s.card.cardId };
      case 'signed-in':
        return { state: 'signed-in', role: s.card.role, cardId: s.card.cardId, idleSignOutMs: this.idleSignOutMs };
      case 'locked':
        return { state: 'locked', cardId: s.card.cardId };
      default:
        return assertNever(s, 'staff auth state');
    }
  }

  /**
   * The signed-in card if its role may do `action`; the check every privileged
   * method makes in main. Each allowed action counts as activity for idle sign-out.
   */
  authorize(roles: readonly StaffRole[], action: string): Result<StaffCard, AuthorizationRefusal> {
    const s = this.current;
    if (s.state !== 'signed-in') {
      this.options.logger.log('auth.action-refused', {
        action,
        reason: 'not-signed-in',
        state: s.state,
        outcome: 'failure',
      });
      return err({ kind: 'not-signed-in' });
    }
    if (!roles.includes(s.card.role)) {
      this.options.logger.log('auth.action-refused', {
        action,
        reason: 'role-not-allowed',
        role: s.card.role,
        cardId: s.card.cardId,
        outcome: 'failure',
      });
      return err({ kind: 'role-not-allowed', role: s.card.role });
    }
    this.startIdleTimer();
    return ok(s.card);
  }

  /** Checks the PIN on the inserted card and has the card prove its key. */
  async submitPin(pin: string): Promise<StaffSessionView> {
    const reader = this.options.reader;
    const before = this.current;
    if (!reader || before.state !== 'awaiting-pin') {
      this.options.logger.log('auth.pin-refused', {
        reason: 'no-card-awaiting-pin',
        state: before.state,
        outcome: 'failure',
      });
      return this.view();
    }
    this.dispatch({ type: 'pin-submitted' });
    const result = await reader.authenticate({ pin, roles: ['poll-worker', 'election-official'] });
    if (result.ok) {
      const { cardId, role } = result.value.certificate;
      if (isStaffRole(role)) this.dispatch({ type: 'authenticated', card: { cardId, role } });
      else this.dispatch({ type: 'card-refused', reason: 'not-an-urna-card' });
    } else if (result.error.kind === 'wrong-pin') {
      this.dispatch({ type: 'pin-wrong', remaining: result.error.remaining });
    } else if (result.error.kind === 'card-locked') {
      this.dispatch({ type: 'card-locked' });
    } else if (result.error.kind === 'no-card') {
      this.dispatch({ type: 'card-removed' });
    } else {
      this.dispatch({ type: 'card-refused', reason: staffCardRefusal(result.error) });
    }
    return this.view();
  }

  signOut(why: 'requested' | 'idle'): StaffSessionView {
    this.dispatch({ type: 'signed-out', why });
    return this.view();
  }

  private readerStatus(status: CardReaderStatus): void {
    if (this.stopped) return;
    switch (status.state) {
      case 'disconnected':
        if (this.current.state !== 'reader-unavailable') this.dispatch({ type: 'reader-lost' });
        return;
      case 'no-card':
        if (this.current.state === 'reader-unavailable' || this.current.state === 'no-reader')
          this.dispatch({ type: 'reader-ready' });
        else if (this.current.state !== 'no-card') this.dispatch({ type: 'card-removed' });
        return;
      case 'card-present':
        if (
          this.current.state === 'no-card' ||
          this.current.state === 'reader-unavailable' ||
          this.current.state === 'no-reader'
        ) {
          this.dispatch({ type: 'card-inserted' });
          void this.identify();
        }
        return;
      case 'card-unreadable':
        this.dispatch({ type: 'card-inserted' });
        this.dispatch({ type: 'card-refused', reason: 'card-unreadable' });
        return;
      case 'card-unresponsive':
        if (this.current.state === 'signed-in') return;
        this.dispatch({ type: 'card-inserted' });
        this.dispatch({ type: 'card-refused', reason: 'card-unresponsive' });
        return;
      default:
        return assertNever(status, 'card reader status');
    }
  }

  private async identify(): Promise<void> {
    const reader = this.options.reader;
    if (!reader) return;
    const identified = await reader.identifyCard();
    if (this.current.state !== 'reading-card') return;
    if (!identified.ok) {
      if (identified.error.kind === 'no-card') this.dispatch({ type: 'card-removed' });
      else this.dispatch({ type: 'card-refused', reason: staffCardRefusal(identified.error) });
      return;
    }
    const { cardId, role } = identified.value;
    if (isStaffRole(role)) {
      this.dispatch({ type: 'staff-card-identified', card: { cardId, role } });
      return;
    }
    this.dispatch({ type: 'voter-card-identified' });
    this.options.onVoterCard?.();
  }

  private dispatch(action: StaffAuthAction): void {
    const before = this.current;
    const after = staffAuthReducer(before, action);
    this.current = after;
    logStaffAuthTransition(this.options.logger, before, after, action);
    if (after.state === 'signed-in' && before.state !== 'signed-in') this.startIdleTimer();
    if (after.state !== 'signed-in') this.stopIdleTimer();
  }

  private startIdleTimer(): void {
    this.stopIdleTimer();
    if (this.stopped) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.current.state === 'signed-in') this.signOut('idle');
    }, this.idleSignOutMs);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
