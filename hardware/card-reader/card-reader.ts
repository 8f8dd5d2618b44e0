import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';
import { SerialDriver } from '../serial/driver-support';
import type { SerialDriverOptions } from '../serial/driver-support';
import { withTimeout } from '../serial/serial-link';
import * as apdu from './apdu';
import { SW } from './apdu';
import type { CommandApdu, ResponseApdu } from './apdu';
import {
  authenticationMessage,
  roleNeedsPin,
  verifyActivationToken,
  verifyCertificate,
  verifyStrict,
} from './card-data';
import type { ActivationToken, CardCertificate, CardRole, CertificateError } from './card-data';
import { encodeFrame, FrameParser, FrameType, ReaderError } from './framing';
import type { Frame } from './framing';
import { reduceCardReaderStatus } from './status';
import type { CardReaderEvent, CardReaderStatus } from './status';

/** `responseTimeoutMs` is how long to wait for one reply frame (the reader's own card timeout is shorter). */
export type CardReaderOptions = SerialDriverOptions & {
  /** The election's card issuer keys (Ed25519 public keys). */
  readonly cardIssuerKeys: readonly Uint8Array[];
  /** Keys allowed to sign voter activation tokens. */
  readonly tokenIssuerKeys: readonly Uint8Array[];
  /** Default limit for a whole card operation. */
  readonly operationTimeoutMs?: number;
};

/** Why a card operation failed: each kind is something the poll worker can be told. */
export type CardFailure =
  | { readonly kind: 'reader-unavailable' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'no-card' }
  | { readonly kind: 'card-unreadable' }
  | { readonly kind: 'card-unresponsive' }
  | { readonly kind: 'not-an-urna-card' }
  | { readonly kind: 'certificate-invalid'; readonly reason: CertificateError }
  | { readonly kind: 'card-not-genuine'; readonly cardId: string }
  | { readonly kind: 'wrong-card-role'; readonly role: CardRole }
  | { readonly kind: 'wrong-pin'; readonly remaining: number }
  | { readonly kind: 'card-locked' }
  | { readonly kind: 'token-missing' }
  | { readonly kind: 'token-invalid'; readonly reason: CertificateError | 'other-card' }
  | { readonly kind: 'token-already-used' }
  | { readonly kind: 'card-error'; readonly sw: number };

/**
 * Whether a failure is the device's (the reader or the card did not work) rather
 * than a verdict on the card or the PIN: the driver logs only the first kind; the
 * station logs what a verdict meant for the person (core/events.ts).
 */
export function isDeviceFault(failure: CardFailure): boolean {
  switch (failure.kind) {
    case 'reader-unavailable':
    case 'busy':
    case 'card-unreadable':
    case 'card-unresponsive':
    case 'card-error':
      return true;
    case 'no-card':
    case 'not-an-urna-card':
    case 'certificate-invalid':
    case 'card-not-genuine':
    case 'wrong-card-role':
    case 'wrong-pin':
    case 'card-locked':
    case 'token-missing':
    case 'token-invalid':
    case 'token-already-used':
      return false;
  }
}

export type AuthenticatedCard = { readonly certificate: CardCertificate };

type Transmit = (command: CommandApdu) => Promise<Result<ResponseApdu, CardFailure>>;

const CHALLENGE_BYTES = 32;
const MAX_FILE_BYTES = 4096;

/**
 * The serial smart-card reader driver: framed APDUs (FRAMING.md), slot events,
 * PIN verification, challenge–response against the card's certificate, and the
 * one-time voter activation token. Self-healing like the printer driver.
 */
export class CardReader extends SerialDriver<CardReaderStatus, CardReaderEvent> {
  private readonly parser = new FrameParser();
  private readonly waiters = new Map<number, (frame: Frame | undefined) => void>();
  private seq = 0;
  private readonly operationTimeoutMs: number;

  constructor(protected override readonly options: CardReaderOptions) {
    super(options, {
      device: 'card-reader',
      initial: { state: 'disconnected', reason: 'not-started' },
      same: (previous, next) => previous.state === next.state,
      reduce: reduceCardReaderStatus,
      responseTimeoutMs: 1500,
    });
    this.operationTimeoutMs = options.operationTimeoutMs ?? 10_000;
  }

  /** Reads and checks the card's certificate, without proving the key (e.g. to ask for a PIN). */
  identifyCard(options: { readonly timeoutMs?: number } = {}): Promise<Result<CardCertificate, CardFailure>> {
    return this.session('identify', options.timeoutMs, (transmit) => this.readCertificate(transmit));
  }

  /**
   * Verifies the PIN and has the card sign a fresh random challenge, checked against
   * the certified key. A wrong PIN reports the tries left; the third locks the card.
   */
  authenticate(input: {
    readonly pin: string;
    readonly roles: readonly CardRole[];
    readonly timeoutMs?: number;
  }): Promise<Result<AuthenticatedCard, CardFailure>> {
    return this.session('authenticate', input.timeoutMs, async (transmit) => {
      const certificate = await this.readCertificate(transmit);
      if (!certificate.ok) return certificate;
      const { role } = certificate.value;
      if (!input.roles.includes(role)) return err({ kind: 'wrong-card-role', role });
      if (roleNeedsPin(role)) {
        if (!/^[0-9]{4,12}$/.test(input.pin))
          return err({ kind: 'wrong-pin', remaining: await this.pinTriesLeft(transmit) });
        const verified = await transmit(apdu.verifyPin(input.pin));
        if (!verified.ok) return verified;
        if (apdu.isWrongPin(verified.value.sw)) {
          return err({ kind: 'wrong-pin', remaining: apdu.triesLeft(verified.value.sw) });
        }
        if (verified.value.sw === SW.authBlocked) return err({ kind: 'card-locked' });
        if (verified.value.sw !== SW.ok) return err({ kind: 'card-error', sw: verified.value.sw });
      }
      const proof = await this.proveKey(transmit, certificate.value);
      if (!proof.ok) return proof;
      return ok({ certificate: certificate.value });
    });
  }

  /** Reads a voter activation card's token after proving the card holds its certified key. */
  readActivationToken(options: { readonly timeoutMs?: number } = {}): Promise<Result<ActivationToken, CardFailure>> {
    return this.session('read-token', options.timeoutMs, (transmit) => this.readToken(transmit));
  }

  /**
   * Burns (deactivates) the token on the inserted card, after checking that it is
   * the same card and token. The station must also remember burnt token ids.
   */
  burnActivationToken(
    tokenId: string,
    options: { readonly timeoutMs?: number } = {},
  ): Promise<Result<void, CardFailure>> {
    return this.session('burn-token', options.timeoutMs, async (transmit) => {
      const token = await this.readToken(transmit);
      if (!token.ok) return token;
      if (token.value.tokenId !== tokenId) return err({ kind: 'token-invalid', reason: 'other-card' });
      const selected = await transmit(apdu.selectFile(apdu.FILE_ACTIVATION_TOKEN));
      if (!selected.ok) return selected;
      const burnt = await transmit(apdu.deactivateFile());
      if (!burnt.ok) return burnt;
      if (burnt.value.sw !== SW.ok) return err({ kind: 'card-error', sw: burnt.value.sw });
      const check = await transmit(apdu.selectFile(apdu.FILE_ACTIVATION_TOKEN));
      if (!check.ok) return check;
      if (check.value.sw !== SW.fileDeactivated) return err({ kind: 'card-error', sw: check.value.sw });
      return ok();
    });
  }

  private async readToken(transmit: Transmit): Promise<Result<ActivationToken, CardFailure>> {
    const certificate = await this.readCertificate(transmit);
    if (!certificate.ok) return certificate;
    if (certificate.value.role !== 'voter-activation')
      return err({ kind: 'wrong-card-role', role: certificate.value.role });
    const proof = await this.proveKey(transmit, certificate.value);
    if (!proof.ok) return proof;
    const file = await this.readFile(transmit, apdu.FILE_ACTIVATION_TOKEN);
    if (!file.ok) {
      if (file.error.kind === 'file-deactivated') return err({ kind: 'token-already-used' });
      if (file.error.kind === 'file-missing') return err({ kind: 'token-missing' });
      return err(file.error.failure);
    }
    const token = verifyActivationToken(file.value, this.options.tokenIssuerKeys);
    if (!token.ok) return err({ kind: 'token-invalid', reason: token.error });
    if (token.value.cardId !== certificate.value.cardId) return err({ kind: 'token-invalid', reason: 'other-card' });
    return ok(token.value);
  }

  private async readCertificate(transmit: Transmit): Promise<Result<CardCertificate, CardFailure>> {
    const file = await this.readFile(transmit, apdu.FILE_CERTIFICATE);
    if (!file.ok) return err(file.error.kind === 'failure' ? file.error.failure : { kind: 'not-an-urna-card' });
    const certificate = verifyCertificate(file.value, this.options.cardIssuerKeys);
    if (!certificate.ok) return err({ kind: 'certificate-invalid', reason: certificate.error });
    return certificate;
  }

  /** INTERNAL AUTHENTICATE over a fresh random challenge, verified strictly against the certificate key. */
  private async proveKey(transmit: Transmit, certificate: CardCertificate): Promise<Result<void, CardFailure>> {
    const challenge = crypto.getRandomValues(new Uint8Array(CHALLENGE_BYTES));
    const answer = await transmit(apdu.internalAuthenticate(challenge));
    if (!answer.ok) return answer;
    if (answer.value.sw !== SW.ok) return err({ kind: 'card-error', sw: answer.value.sw });
    if (!verifyStrict(answer.value.data, authenticationMessage(challenge), certificate.publicKey))
      return err({ kind: 'card-not-genuine', cardId: certificate.cardId });
    return ok();
  }

  private async pinTriesLeft(transmit: Transmit): Promise<number> {
    const answer = await transmit(apdu.pinTriesLeft());
    return answer.ok && apdu.isWrongPin(answer.value.sw) ? apdu.triesLeft(answer.value.sw) : 0;
  }

  private async readFile(
    transmit: Transmit,
    fileId: number,
  ): Promise<
    Result<
      Uint8Array,
      { kind: 'file-missing' } | { kind: 'file-deactivated' } | { kind: 'failure'; failure: CardFailure }
    >
  > {
    const selected = await transmit(apdu.selectFile(fileId));
    if (!selected.ok) return err({ kind: 'failure', failure: selected.error });
    if (selected.value.sw === SW.fileDeactivated) return err({ kind: 'file-deactivated' });
    if (selected.value.sw !== SW.ok) return err({ kind: 'file-missing' });
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const read = await transmit(apdu.readBinary(length));
      if (!read.ok) return err({ kind: 'failure', failure: read.error });
      if (read.value.sw === SW.wrongP1P2 && length > 0) break;
      if (read.value.sw !== SW.ok) return err({ kind: 'failure', failure: { kind: 'card-error', sw: read.value.sw } });
      chunks.push(read.value.data);
      length += read.value.data.length;
      if (read.value.data.length < 256) break;
      if (length > MAX_FILE_BYTES) return err({ kind: 'failure', failure: { kind: 'card-error', sw: SW.wrongLength } });
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return ok(out);
  }

  /**
   * One card session under the port lock: power the card on (a fresh session, so a
   * PIN verified earlier does not carry over), select the applet, run `body`.
   */
  private async session<T>(
    name: string,
    timeoutMs: number | undefined,
    body: (transmit: Transmit) => Promise<Result<T, CardFailure>>,
  ): Promise<Result<T, CardFailure>> {
    const limit = timeoutMs ?? this.operationTimeoutMs;
    const deadline = Date.now() + limit;
    let result: Result<T, CardFailure> = err({ kind: 'busy' });
    const ran = await this.portLock.exclusive(limit, async () => {
      result = await this.runSession(deadline, body);
    });
    if (!ran) result = err({ kind: 'busy' });
    if (!result.ok && isDeviceFault(result.error))
      this.options.logger.log('card-reader.operation-failed', { operation: name, ...result.error });
    return result;
  }

  private async runSession<T>(
    deadline: number,
    body: (transmit: Transmit) => Promise<Result<T, CardFailure>>,
  ): Promise<Result<T, CardFailure>> {
    if (!this.link.isOpen) return err({ kind: 'reader-unavailable' });
    const exchange = async (type: number, payload: Uint8Array): Promise<Result<Frame, CardFailure>> => {
      const wait = Math.min(this.responseTimeoutMs, deadline - Date.now());
      if (wait <= 0) return err({ kind: 'card-unresponsive' });
      const reply = await this.request(type, payload, wait);
      if (!reply) return err({ kind: 'reader-unavailable' });
      if (reply.type === FrameType.error) return err(this.readerError(reply.payload[0] ?? 0));
      return ok(reply);
    };
    const powered = await exchange(FrameType.powerOn, new Uint8Array(0));
    if (!powered.ok) return powered;
    const transmit: Transmit = async (command) => {
      const reply = await exchange(FrameType.transmit, apdu.encodeCommand(command));
      if (!reply.ok) return reply;
      const response = reply.value.type === FrameType.response ? apdu.decodeResponse(reply.value.payload) : undefined;
      return response ? ok(response) : err({ kind: 'card-error', sw: 0 });
    };
    const selected = await transmit(apdu.selectApplet());
    if (!selected.ok) return selected;
    if (selected.value.sw !== SW.ok) return err({ kind: 'not-an-urna-card' });
    return body(transmit);
  }

  private readerError(code: number): CardFailure {
    switch (code) {
      case ReaderError.noCard:
        return { kind: 'no-card' };
      case ReaderError.unreadable:
        return { kind: 'card-unreadable' };
      case ReaderError.mute:
        this.apply({ type: 'card-mute' });
        return { kind: 'card-unresponsive' };
      default:
        return { kind: 'card-error', sw: 0 };
    }
  }

  /** Sends one frame and waits for the reply with the same sequence number; on silence, drops the port. */
  private async request(type: number, payload: Uint8Array, timeoutMs: number): Promise<Frame | undefined> {
    if (!this.link.isOpen) return undefined;
    this.seq = (this.seq % 255) + 1;
    const seq = this.seq;
    const reply = new Promise<Frame | undefined>((resolve) => this.waiters.set(seq, resolve));
    const written = await this.link.write(encodeFrame({ seq, type, payload }), timeoutMs);
    if (!written.ok) {
      this.waiters.delete(seq);
      return undefined;
    }
    const frame = await withTimeout(reply, timeoutMs, undefined);
    this.waiters.delete(seq);
    if (!frame) this.link.drop('not-responding', `no reply to frame type ${type}`);
    return frame;
  }

  protected onSerialBytes(bytes: Uint8Array): void {
    for (const frame of this.parser.push(bytes)) {
      if (frame.seq === 0) {
        if (frame.type === FrameType.slotEvent && frame.payload.length >= 1)
          this.apply({ type: 'slot', slot: frame.payload[0] ?? 0 });
        continue;
      }
      const waiter = this.waiters.get(frame.seq);
      if (!waiter) continue; // a late reply to a request already given up on
      this.waiters.delete(frame.seq);
      if (frame.type === FrameType.status && frame.payload.length >= 1)
        this.apply({ type: 'slot', slot: frame.payload[0] ?? 0 });
      waiter(frame);
    }
  }

  protected abandonExchanges(): void {
    this.parser.reset();
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of waiters) waiter(undefined);
  }

  /** GET_STATUS while idle: keeps the slot state honest and notices a silent reader. */
  protected async pollStatus(): Promise<void> {
    await this.request(FrameType.getStatus, new Uint8Array(0), this.responseTimeoutMs);
  }
}
