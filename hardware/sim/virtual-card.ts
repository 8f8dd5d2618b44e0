import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual } from '../../core/encoding/bytes';
import * as apdu from '../card-reader/apdu';
import { SW } from '../card-reader/apdu';
import type { CommandApdu, ResponseApdu } from '../card-reader/apdu';
import { authenticationMessage, roleNeedsPin } from '../card-reader/card-data';
import type { CardRole } from '../card-reader/card-data';

export type VirtualCardSpec = {
  readonly cardId: string;
  readonly role: CardRole;
  /** The Ed25519 key inside the card. A clone has someone else's certificate but not this key. */
  readonly secretKey: Uint8Array;
  readonly certificate: Uint8Array;
  readonly pin?: string;
  readonly pinTries?: number;
  readonly activationToken?: Uint8Array;
};

const MAX_PIN_TRIES = 3;

/**
 * A smart card running Urna's applet: SELECT, READ BINARY, VERIFY with a retry
 * counter, INTERNAL AUTHENTICATE with its own key, and DEACTIVATE FILE for the
 * one-time activation token.
 */
export class VirtualCard {
  /** A plausible T=1 ATR with "URNA" in the historical bytes. */
  readonly atr = Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0x55, 0x52, 0x4e, 0x41, 0x2d, 0x76, 0x31, 0x00, 0x3f);
  pinTriesLeft: number;
  tokenBurnt = false;
  private appletSelected = false;
  private selectedFile: number | undefined;
  private pinVerified = false;

  constructor(readonly spec: VirtualCardSpec) {
    this.pinTriesLeft = spec.pinTries ?? MAX_PIN_TRIES;
  }

  get cardId(): string {
    return this.spec.cardId;
  }

  /** A new power-on session: nothing selected, PIN not verified. */
  powerOn(): Uint8Array {
    this.appletSelected = false;
    this.selectedFile = undefined;
    this.pinVerified = false;
    return this.atr;
  }

  process(commandBytes: Uint8Array): Uint8Array {
    const command = apdu.decodeCommand(commandBytes);
    return apdu.encodeResponse(command ? this.handle(command) : reply(SW.wrongLength));
  }

  private handle(command: CommandApdu): ResponseApdu {
    if (command.cla !== 0x00) return reply(SW.claNotSupported);
    if (command.ins === 0xa4) return this.select(command);
    if (!this.appletSelected) return reply(SW.conditionsNotSatisfied);
    switch (command.ins) {
      case 0xb0:
        return this.readBinary(command);
      case 0x20:
        return this.verify(command);
      case 0x88:
        return this.internalAuthenticate(command);
      case 0x04:
        return this.deactivate();
      default:
        return reply(SW.insNotSupported);
    }
  }

  private select(command: CommandApdu): ResponseApdu {
    const data = command.data ?? new Uint8Array(0);
    if (command.p1 === 0x04) {
      if (!bytesEqual(data, apdu.URNA_AID)) return reply(SW.fileNotFound);
      this.appletSelected = true;
      this.selectedFile = undefined;
      this.pinVerified = false;
      return reply(SW.ok);
    }
    if (command.p1 === 0x02 && this.appletSelected && data.length === 2) {
      const fileId = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      if (this.fileBytes(fileId) === undefined) return reply(SW.fileNotFound);
      this.selectedFile = fileId;
      if (fileId === apdu.FILE_ACTIVATION_TOKEN && this.tokenBurnt) return reply(SW.fileDeactivated);
      return reply(SW.ok);
    }
    return reply(SW.fileNotFound);
  }

  private fileBytes(fileId: number): Uint8Array | undefined {
    if (fileId === apdu.FILE_CERTIFICATE) return this.spec.certificate;
    if (fileId === apdu.FILE_ACTIVATION_TOKEN) return this.spec.activationToken;
    return undefined;
  }

  private readBinary(command: CommandApdu): ResponseApdu {
    if (this.selectedFile === undefined) return reply(SW.conditionsNotSatisfied);
    if (this.selectedFile === apdu.FILE_ACTIVATION_TOKEN && this.tokenBurnt) return reply(SW.conditionsNotSatisfied);
    const file = this.fileBytes(this.selectedFile) ?? new Uint8Array(0);
    const offset = ((command.p1 & 0x7f) << 8) | command.p2;
    if (offset > file.length) return reply(SW.wrongP1P2);
    return { data: file.slice(offset, offset + (command.le ?? 256)), sw: SW.ok };
  }

  private verify(command: CommandApdu): ResponseApdu {
    if (command.p2 !== apdu.PIN_REFERENCE || !this.spec.pin) return reply(SW.wrongP1P2);
    if (this.pinTriesLeft === 0) return reply(SW.authBlocked);
    const data = command.data;
    if (!data || data.length === 0) return reply(this.pinVerified ? SW.ok : 0x63c0 | this.pinTriesLeft);
    const given = String.fromCharCode(...data);
    if (given === this.spec.pin) {
      this.pinTriesLeft = MAX_PIN_TRIES;
      this.pinVerified = true;
      return reply(SW.ok);
    }
    this.pinVerified = false;
    this.pinTriesLeft -= 1;
    return reply(this.pinTriesLeft === 0 ? SW.authBlocked : 0x63c0 | this.pinTriesLeft);
  }

  private internalAuthenticate(command: CommandApdu): ResponseApdu {
    const challenge = command.data;
    if (!challenge || challenge.length !== 32) return reply(SW.wrongLength);
    if (roleNeedsPin(this.spec.role) && !this.pinVerified) return reply(SW.securityNotSatisfied);
    return { data: ed25519.sign(authenticationMessage(challenge), this.spec.secretKey), sw: SW.ok };
  }

  private deactivate(): ResponseApdu {
    if (this.selectedFile !== apdu.FILE_ACTIVATION_TOKEN || !this.spec.activationToken)
      return reply(SW.conditionsNotSatisfied);
    if (this.tokenBurnt) return reply(SW.conditionsNotSatisfied);
    this.tokenBurnt = true;
    return reply(SW.ok);
  }
}

function reply(sw: number): ResponseApdu {
  return { data: new Uint8Array(0), sw };
}
