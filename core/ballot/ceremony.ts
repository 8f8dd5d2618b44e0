/**
 * Key ceremony for n guardians with threshold k (Feldman VSS, as in ElectionGuard 2.x).
 *
 * Each guardian draws a random polynomial Pᵢ of degree k−1 and announces commitments
 * Aᵢⱼ = aᵢⱼ·G to its coefficients, each with a Schnorr proof of knowledge, plus a
 * transport key for receiving shares. It sends Pᵢ(ℓ) to guardian ℓ encrypted under ℓ's
 * transport key and signed with its own. The receiver checks Pᵢ(ℓ)·G = Σⱼ ℓʲ·Aᵢⱼ; a bad
 * share becomes a complaint anyone can check: the receiver reveals the Diffie–Hellman
 * value that decrypts that one share, with a proof it is correct, and the signed share.
 *
 * The joint key is K = Σᵢ Aᵢ₀. Guardian ℓ's key share is sℓ = Σᵢ Pᵢ(ℓ); its public
 * verification key Sℓ = sℓ·G is computable by anyone from the commitments. The election
 * secret Σᵢ aᵢ₀ is never formed: a Guardian object holds only its own polynomial and the
 * shares it received, and only sℓ leaves the ceremony.
 *
 * Run between machines (cli/commands/guardian.ts), the ceremony adds two rounds around
 * that exchange:
 * - commit, then reveal: each guardian first publishes only the hash of its
 *   announcement, and announces only after every commitment is in, so the last guardian
 *   to announce cannot choose its polynomial after seeing the others' (which would let
 *   it bias the joint key);
 * - acceptance: each guardian signs, with its transport key, the hash of the whole public
 *   transcript (parameters, every announcement, every complaint) as it saw it. The record
 *   needs all n acceptances of one transcript, so two guardians who were shown different
 *   announcements cannot both finish (broadcast consistency).
 */
import { bytesEqual, type Bytes } from '../encoding/bytes';
import type { GuardianId } from '../ids';
import { err, ok, type Result } from '../result';
import {
  GENERATOR,
  GroupElement,
  mod,
  multiplyPublic,
  multiplySecret,
  Point,
  type RandomSource,
  randomScalar,
  type Scalar,
  scalarFromBytes,
  scalarToBytes,
  systemRandom,
  Transcript,
} from './group';
import { type CompactProof, knowledgeProofHolds, proveKnowledge } from './proofs';

export type CeremonyParameters = {
  /** 32 bytes the ceremony is bound to (the election's base hash). */
  readonly baseHash: Bytes;
  /** Guardian i (1-based) is guardianIds[i − 1]. */
  readonly guardianIds: readonly GuardianId[];
  readonly threshold: number;
};

export type GuardianAnnouncement = {
  readonly guardianId: GuardianId;
  /** 1-based: the x coordinate at which this guardian's share is evaluated. */
  readonly index: number;
  readonly coefficientCommitments: readonly GroupElement[];
  readonly coefficientProofs: readonly CompactProof[];
  readonly transportKey: GroupElement;
  readonly transportKeyProof: CompactProof;
};

/** A share sent from one guardian to another: encrypted to the recipient, signed by the sender. */
export type ShareMessage = {
  readonly from: GuardianId;
  readonly to: GuardianId;
  readonly ephemeralKey: GroupElement;
  readonly encryptedShare: Bytes;
  readonly signature: CompactProof;
};

/** A verifiable accusation: the signed share and the key that decrypts it, proved correct. */
export type ShareComplaint = {
  readonly accuser: GuardianId;
  readonly accused: GuardianId;
  readonly share: ShareMessage;
  readonly sharedSecret: GroupElement;
  readonly proof: CompactProof;
};

/** What a guardian keeps after the ceremony: its share of the key, nothing more. */
export type GuardianKeyShare = {
  readonly guardianId: GuardianId;
  readonly index: number;
  readonly threshold: number;
  readonly baseHash: Bytes;
  readonly jointKey: GroupElement;
  readonly verificationKey: GroupElement;
  readonly secret: Scalar;
};

/** The public outcome, published in the election record. */
export type KeyCeremonyRecord = {
  readonly baseHash: Bytes;
  readonly threshold: number;
  readonly guardians: readonly GuardianAnnouncement[];
  readonly jointKey: GroupElement;
  /** Guardian i's signature on the transcript hash is acceptances[i − 1]. */
  readonly acceptances: readonly CeremonyAcceptance[];
};

/** Round one of the exchange: the hash of an announcement not yet shown. */
export type CeremonyCommitment = {
  readonly guardianId: GuardianId;
  readonly index: number;
  readonly baseHash: Bytes;
  readonly threshold: number;
  readonly guardianIds: readonly GuardianId[];
  readonly announcementHash: Bytes;
};

/** A guardian's signature, under its transport key, on the transcript it saw. */
export type CeremonyAcceptance = {
  readonly guardianId: GuardianId;
  readonly index: number;
  readonly transcriptHash: Bytes;
  readonly signature: CompactProof;
};

export type CeremonyCheck =
  | 'parameters'
  | 'guardian-list'
  | 'coefficient-count'
  | 'coefficient-proof'
  | 'transport-key-proof'
  | 'joint-key'
  | 'acceptance';

export type CeremonyFailure = {
  readonly check: CeremonyCheck;
  readonly guardianId?: GuardianId;
  readonly coefficient?: number;
};

export function checkParameters(params: CeremonyParameters): Result<void, CeremonyFailure> {
  const n = params.guardianIds.length;
  const unique = new Set(params.guardianIds).size === n;
  if (
    params.baseHash.length !== 32 ||
    !unique ||
    n < 1 ||
    !Number.isInteger(params.threshold) ||
    params.threshold < 1 ||
    params.threshold > n
  ) {
    return err({ check: 'parameters' });
  }
  return ok();
}

function coefficientTranscript(
  params: { baseHash: Bytes },
  guardianId: GuardianId,
  index: number,
  j: number,
  commitment: GroupElement,
): Transcript {
  return new Transcript('urna/ceremony/v1/coefficient-proof')
    .bytes(params.baseHash)
    .string(guardianId)
    .u32(index)
    .u32(j)
    .element(commitment);
}

function transportKeyTranscript(
  params: { baseHash: Bytes },
  guardianId: GuardianId,
  index: number,
  key: GroupElement,
): Transcript {
  return new Transcript('urna/ceremony/v1/transport-key-proof')
    .bytes(params.baseHash)
    .string(guardianId)
    .u32(index)
    .element(key);
}

function shareSignatureTranscript(
  params: { baseHash: Bytes },
  message: Omit<ShareMessage, 'signature'>,
  senderKey: GroupElement,
): Transcript {
  return new Transcript('urna/ceremony/v1/share-signature')
    .bytes(params.baseHash)
    .string(message.from)
    .string(message.to)
    .element(senderKey)
    .element(message.ephemeralKey)
    .bytes(message.encryptedShare);
}

function sharePad(
  params: { baseHash: Bytes },
  from: GuardianId,
  to: GuardianId,
  ephemeralKey: GroupElement,
  sharedSecret: GroupElement,
): Bytes {
  return new Transcript('urna/ceremony/v1/share-pad')
    .bytes(params.baseHash)
    .string(from)
    .string(to)
    .element(ephemeralKey)
    .element(sharedSecret)
    .digest();
}

function complaintTranscript(
  params: { baseHash: Bytes },
  accuser: GuardianId,
  accuserKey: GroupElement,
  share: ShareMessage,
  sharedSecret: GroupElement,
): Transcript {
  return new Transcript('urna/ceremony/v1/complaint')
    .bytes(params.baseHash)
    .string(accuser)
    .element(accuserKey)
    .element(share.ephemeralKey)
    .element(sharedSecret);
}

function acceptanceTranscript(
  params: { baseHash: Bytes },
  guardianId: GuardianId,
  transportKey: GroupElement,
  transcriptHash: Bytes,
): Transcript {
  return new Transcript('urna/ceremony/v2/acceptance')
    .bytes(params.baseHash)
    .string(guardianId)
    .element(transportKey)
    .bytes(transcriptHash);
}

/** The parameters every guardian must have started from, as one hash. */
export function ceremonyParametersHash(params: CeremonyParameters): Bytes {
  const t = new Transcript('urna/ceremony/v2/parameters')
    .bytes(params.baseHash)
    .u32(params.threshold)
    .u32(params.guardianIds.length);
  for (const id of params.guardianIds) t.string(id);
  return t.digest();
}

/** What a guardian commits to before it announces: every field of its announcement. */
export function announcementHash(a: GuardianAnnouncement): Bytes {
  const t = new Transcript('urna/ceremony/v2/announcement')
    .string(a.guardianId)
    .u32(a.index)
    .u32(a.coefficientCommitments.length);
  for (const c of a.coefficientCommitments) t.element(c);
  t.u32(a.coefficientProofs.length);
  for (const p of a.coefficientProofs) t.scalar(p.c).scalar(p.z);
  return t.element(a.transportKey).scalar(a.transportKeyProof.c).scalar(a.transportKeyProof.z).digest();
}

function complaintHash(c: ShareComplaint): Bytes {
  return new Transcript('urna/ceremony/v2/complaint-record')
    .string(c.accuser)
    .string(c.accused)
    .string(c.share.from)
    .string(c.share.to)
    .element(c.share.ephemeralKey)
    .bytes(c.share.encryptedShare)
    .scalar(c.share.signature.c)
    .scalar(c.share.signature.z)
    .element(c.sharedSecret)
    .scalar(c.proof.c)
    .scalar(c.proof.z)
    .digest();
}

/**
 * The public transcript every guardian signs: the parameters, the announcements in
 * guardian order and the complaints (in accuser, accused order). A finished ceremony
 * has none, but a guardian who saw one signs a different transcript from one who did not.
 */
export function ceremonyTranscriptHash(
  params: CeremonyParameters,
  announcements: readonly GuardianAnnouncement[],
  complaints: readonly ShareComplaint[] = [],
): Bytes {
  const t = new Transcript('urna/ceremony/v2/transcript')
    .bytes(ceremonyParametersHash(params))
    .u32(announcements.length);
  for (const a of announcements) t.bytes(announcementHash(a));
  const ordered = [...complaints].sort((x, y) =>
    x.accuser === y.accuser ? x.accused.localeCompare(y.accused) : x.accuser.localeCompare(y.accuser),
  );
  t.u32(ordered.length);
  for (const c of ordered) t.bytes(complaintHash(c));
  return t.digest();
}

export function signAcceptance(
  params: CeremonyParameters,
  own: GuardianAnnouncement,
  transportSecret: Scalar,
  transcriptHash: Bytes,
  random: RandomSource,
): CeremonyAcceptance {
  const signature = proveKnowledge(
    acceptanceTranscript(params, own.guardianId, own.transportKey, transcriptHash),
    [GENERATOR],
    transportSecret,
    random,
  );
  return { guardianId: own.guardianId, index: own.index, transcriptHash, signature };
}

/** Whether `acceptance` is the signature of `signer` (by its transport key) on its transcript hash. */
export function acceptanceHolds(
  params: CeremonyParameters,
  signer: GuardianAnnouncement,
  acceptance: CeremonyAcceptance,
): boolean {
  if (acceptance.guardianId !== signer.guardianId || acceptance.index !== signer.index) return false;
  return knowledgeProofHolds(
    acceptanceTranscript(params, signer.guardianId, signer.transportKey, acceptance.transcriptHash),
    [{ base: GENERATOR, public: signer.transportKey.point }],
    acceptance.signature,
  );
}

function xor32(a: Bytes, b: Bytes): Bytes {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** Σⱼ xʲ·Aⱼ: the public image of a polynomial's value at x (Horner's rule). */
export function committedValueAt(commitments: readonly GroupElement[], x: number): Point {
  let acc = Point.ZERO;
  for (let j = commitments.length - 1; j >= 0; j--) {
    acc = multiplyPublic(acc, BigInt(x)).add((commitments[j] as GroupElement).point);
  }
  return acc;
}

/**
 * A guardian's announcement from its own coefficients and transport secret. Exported
 * so tests can play a dishonest guardian; an honest one goes through `Guardian`.
 */
export function createAnnouncement(
  params: CeremonyParameters,
  guardianId: GuardianId,
  index: number,
  coefficients: readonly Scalar[],
  transportSecret: Scalar,
  random: RandomSource,
): GuardianAnnouncement {
  const commitments = coefficients.map((a) => GroupElement.of(multiplySecret(GENERATOR, a)));
  const proofs = coefficients.map((a, j) =>
    proveKnowledge(
      coefficientTranscript(params, guardianId, index, j, commitments[j] as GroupElement),
      [GENERATOR],
      a,
      random,
    ),
  );
  const transportKey = GroupElement.of(multiplySecret(GENERATOR, transportSecret));
  return {
    guardianId,
    index,
    coefficientCommitments: commitments,
    coefficientProofs: proofs,
    transportKey,
    transportKeyProof: proveKnowledge(
      transportKeyTranscript(params, guardianId, index, transportKey),
      [GENERATOR],
      transportSecret,
      random,
    ),
  };
}

/** Encrypts `value` to the recipient's transport key and signs it with the sender's. */
export function sealShare(
  params: CeremonyParameters,
  sender: GuardianAnnouncement,
  senderTransportSecret: Scalar,
  recipient: GuardianAnnouncement,
  value: Scalar,
  random: RandomSource,
): ShareMessage {
  const ephemeralSecret = randomScalar(random);
  const ephemeralKey = GroupElement.of(multiplySecret(GENERATOR, ephemeralSecret));
  const sharedSecret = GroupElement.of(multiplySecret(recipient.transportKey.point, ephemeralSecret));
  const pad = sharePad(params, sender.guardianId, recipient.guardianId, ephemeralKey, sharedSecret);
  const unsigned = {
    from: sender.guardianId,
    to: recipient.guardianId,
    ephemeralKey,
    encryptedShare: xor32(scalarToBytes(value), pad),
  };
  const signature = proveKnowledge(
    shareSignatureTranscript(params, unsigned, sender.transportKey),
    [GENERATOR],
    senderTransportSecret,
    random,
  );
  return { ...unsigned, signature };
}

/** Checks one announcement: k coefficient commitments, each proved, and the transport key proved. */
export function verifyAnnouncement(
  params: CeremonyParameters,
  announcement: GuardianAnnouncement,
): Result<void, CeremonyFailure> {
  const { guardianId, index } = announcement;
  if (params.guardianIds[index - 1] !== guardianId) return err({ check: 'guardian-list', guardianId });
  if (
    announcement.coefficientCommitments.length !== params.threshold ||
    announcement.coefficientProofs.length !== params.threshold
  ) {
    return err({ check: 'coefficient-count', guardianId });
  }
  for (let j = 0; j < params.threshold; j++) {
    const commitment = announcement.coefficientCommitments[j] as GroupElement;
    const transcript = coefficientTranscript(params, guardianId, index, j, commitment);
    if (
      !knowledgeProofHolds(
        transcript,
        [{ base: GENERATOR, public: commitment.point }],
        announcement.coefficientProofs[j] as CompactProof,
      )
    ) {
      return err({ check: 'coefficient-proof', guardianId, coefficient: j });
    }
  }
  const transcript = transportKeyTranscript(params, guardianId, index, announcement.transportKey);
  if (
    !knowledgeProofHolds(
      transcript,
      [{ base: GENERATOR, public: announcement.transportKey.point }],
      announcement.transportKeyProof,
    )
  ) {
    return err({ check: 'transport-key-proof', guardianId });
  }
  return ok();
}

/** Decrypts one share with a (claimed) shared secret and checks it against the sender's commitments. */
function openShare(
  params: CeremonyParameters,
  sender: GuardianAnnouncement,
  recipientIndex: number,
  message: ShareMessage,
  sharedSecret: GroupElement,
): Result<Scalar, 'bad-share'> {
  const plain = xor32(
    message.encryptedShare,
    sharePad(params, message.from, message.to, message.ephemeralKey, sharedSecret),
  );
  const share = scalarFromBytes(plain);
  if (!share.ok) return err('bad-share');
  const expected = committedValueAt(sender.coefficientCommitments, recipientIndex);
  return multiplyPublic(GENERATOR, share.value).equals(expected) ? ok(share.value) : err('bad-share');
}

function signatureHolds(params: CeremonyParameters, sender: GuardianAnnouncement, message: ShareMessage): boolean {
  return knowledgeProofHolds(
    shareSignatureTranscript(params, message, sender.transportKey),
    [{ base: GENERATOR, public: sender.transportKey.point }],
    message.signature,
  );
}

/** A guardian's secrets during the ceremony: its polynomial, transport key and the shares it took. */
export type GuardianSecrets = {
  readonly coefficients: readonly Scalar[];
  readonly transportSecret: Scalar;
  readonly received: readonly (readonly [GuardianId, Scalar])[];
};

/**
 * One guardian's side of the ceremony. It exchanges messages with the other guardians
 * and never sees their secrets; each instance could live on a different machine.
 */
export class Guardian {
  readonly #coefficients: readonly Scalar[];
  readonly #transportSecret: Scalar;
  readonly #announcements = new Map<GuardianId, GuardianAnnouncement>();
  readonly #received = new Map<GuardianId, Scalar>();
  readonly announcement: GuardianAnnouncement;

  private constructor(
    readonly params: CeremonyParameters,
    readonly guardianId: GuardianId,
    readonly index: number,
    private readonly random: RandomSource,
    restored?: { readonly secrets: GuardianSecrets; readonly announcement: GuardianAnnouncement },
  ) {
    this.#coefficients =
      restored?.secrets.coefficients ?? Array.from({ length: params.threshold }, () => randomScalar(random));
    this.#transportSecret = restored?.secrets.transportSecret ?? randomScalar(random);
    this.announcement =
      restored?.announcement ??
      createAnnouncement(params, guardianId, index, this.#coefficients, this.#transportSecret, random);
    this.#announcements.set(guardianId, this.announcement);
    this.#received.set(guardianId, this.#evaluate(index));
    for (const [from, share] of restored?.secrets.received ?? []) this.#received.set(from, share);
  }

  static create(
    params: CeremonyParameters,
    guardianId: GuardianId,
    random: RandomSource = systemRandom,
  ): Result<Guardian, CeremonyFailure> {
    const valid = checkParameters(params);
    if (!valid.ok) return valid;
    const position = params.guardianIds.indexOf(guardianId);
    if (position < 0) return err({ check: 'guardian-list', guardianId });
    return ok(new Guardian(params, guardianId, position + 1, random));
  }

  /**
   * A guardian again from its saved secrets (one machine, one step at a time). The
   * announcement must be the one those secrets made: its commitments are recomputed.
   */
  static restore(
    params: CeremonyParameters,
    guardianId: GuardianId,
    secrets: GuardianSecrets,
    announcement: GuardianAnnouncement,
    random: RandomSource = systemRandom,
  ): Result<Guardian, CeremonyFailure> {
    const valid = checkParameters(params);
    if (!valid.ok) return valid;
    const position = params.guardianIds.indexOf(guardianId);
    if (position < 0 || announcement.guardianId !== guardianId || announcement.index !== position + 1)
      return err({ check: 'guardian-list', guardianId });
    if (secrets.coefficients.length !== params.threshold) return err({ check: 'coefficient-count', guardianId });
    const mine = secrets.coefficients.every((a, j) =>
      multiplySecret(GENERATOR, a).equals((announcement.coefficientCommitments[j] as GroupElement).point),
    );
    if (!mine || !multiplySecret(GENERATOR, secrets.transportSecret).equals(announcement.transportKey.point))
      return err({ check: 'coefficient-proof', guardianId });
    return ok(new Guardian(params, guardianId, position + 1, random, { secrets, announcement }));
  }

  /** What must be saved (encrypted, on this guardian's machine only) between steps. */
  exportSecrets(): GuardianSecrets {
    const received = [...this.#received].filter(([from]) => from !== this.guardianId);
    return { coefficients: this.#coefficients, transportSecret: this.#transportSecret, received };
  }

  /** Round one: the hash of this guardian's announcement, bound to the parameters. */
  commitment(): CeremonyCommitment {
    return {
      guardianId: this.guardianId,
      index: this.index,
      baseHash: this.params.baseHash,
      threshold: this.params.threshold,
      guardianIds: this.params.guardianIds,
      announcementHash: announcementHash(this.announcement),
    };
  }

  /** Signs the transcript this guardian saw. */
  accept(transcriptHash: Bytes): CeremonyAcceptance {
    return signAcceptance(this.params, this.announcement, this.#transportSecret, transcriptHash, this.random);
  }

  /** Guardians whose valid share this guardian holds (itself included). */
  sharesFrom(): readonly GuardianId[] {
    return [...this.#received.keys()];
  }

  #evaluate(x: number): Scalar {
    let acc = 0n;
    for (let j = this.#coefficients.length - 1; j >= 0; j--)
      acc = mod(acc * BigInt(x) + (this.#coefficients[j] as Scalar));
    return acc;
  }

  receiveAnnouncement(announcement: GuardianAnnouncement): Result<void, CeremonyFailure> {
    const valid = verifyAnnouncement(this.params, announcement);
    if (!valid.ok) return valid;
    this.#announcements.set(announcement.guardianId, announcement);
    return ok();
  }

  /** The share for another guardian, whose announcement must have been received. */
  shareFor(recipient: GuardianId): ShareMessage {
    const announcement = this.#announcements.get(recipient);
    if (!announcement || recipient === this.guardianId)
      throw new Error(`invariant failed: no announcement from ${recipient}`);
    return sealShare(
      this.params,
      this.announcement,
      this.#transportSecret,
      announcement,
      this.#evaluate(announcement.index),
      this.random,
    );
  }

  /**
   * Accepts a share if it matches the sender's commitments. A share that does not
   * comes back as a complaint to publish; a message not signed by its claimed sender
   * is dropped as 'unauthenticated' (it proves nothing against anyone).
   */
  receiveShare(
    message: ShareMessage,
  ): Result<
    void,
    { readonly problem: 'unauthenticated' } | { readonly problem: 'bad-share'; readonly complaint: ShareComplaint }
  > {
    const sender = this.#announcements.get(message.from);
    if (!sender || message.to !== this.guardianId || !signatureHolds(this.params, sender, message))
      return err({ problem: 'unauthenticated' });
    const sharedSecret = GroupElement.of(multiplySecret(message.ephemeralKey.point, this.#transportSecret));
    const share = openShare(this.params, sender, this.index, message, sharedSecret);
    if (share.ok) {
      this.#received.set(message.from, share.value);
      return ok();
    }
    const proof = proveKnowledge(
      complaintTranscript(this.params, this.guardianId, this.announcement.transportKey, message, sharedSecret),
      [GENERATOR, message.ephemeralKey.point],
      this.#transportSecret,
      this.random,
    );
    return err({
      problem: 'bad-share',
      complaint: { accuser: this.guardianId, accused: message.from, share: message, sharedSecret, proof },
    });
  }

  /** This guardian's key share, once a valid share from every guardian is in. */
  finish(): Result<GuardianKeyShare, { readonly problem: 'missing-shares'; readonly from: readonly GuardianId[] }> {
    const missing = this.params.guardianIds.filter((id) => !this.#received.has(id) || !this.#announcements.has(id));
    if (missing.length > 0) return err({ problem: 'missing-shares', from: missing });
    let secret = 0n;
    for (const share of this.#received.values()) secret = mod(secret + share);
    const announcements = this.params.guardianIds.map((id) => this.#announcements.get(id) as GuardianAnnouncement);
    return ok({
      guardianId: this.guardianId,
      index: this.index,
      threshold: this.params.threshold,
      baseHash: this.params.baseHash,
      jointKey: jointKeyOf(announcements),
      verificationKey: GroupElement.of(multiplySecret(GENERATOR, secret)),
      secret,
    });
  }
}

export function jointKeyOf(announcements: readonly GuardianAnnouncement[]): GroupElement {
  let key = Point.ZERO;
  for (const a of announcements) key = key.add((a.coefficientCommitments[0] as GroupElement).point);
  return GroupElement.of(key);
}

/** Sℓ = Σᵢ Σⱼ ℓʲ·Aᵢⱼ: what guardian ℓ's key share times G must equal. */
export function verificationKeyOf(announcements: readonly GuardianAnnouncement[], index: number): GroupElement {
  let key = Point.ZERO;
  for (const a of announcements) key = key.add(committedValueAt(a.coefficientCommitments, index));
  return GroupElement.of(key);
}

export type ComplaintCheck = 'unknown-guardian' | 'share-signature' | 'decryption-proof' | 'share-is-valid';

/**
 * Checks a complaint as any observer would. `ok` means the accusation stands: the
 * accused guardian signed a share that does not match its own commitments.
 */
export function verifyComplaint(
  params: CeremonyParameters,
  announcements: readonly GuardianAnnouncement[],
  complaint: ShareComplaint,
): Result<{ readonly accused: GuardianId }, { readonly check: ComplaintCheck }> {
  const accuser = announcements.find((a) => a.guardianId === complaint.accuser);
  const accused = announcements.find((a) => a.guardianId === complaint.accused);
  if (
    !accuser ||
    !accused ||
    complaint.share.from !== accused.guardianId ||
    complaint.share.to !== accuser.guardianId
  ) {
    return err({ check: 'unknown-guardian' });
  }
  if (!signatureHolds(params, accused, complaint.share)) return err({ check: 'share-signature' });
  const transcript = complaintTranscript(
    params,
    accuser.guardianId,
    accuser.transportKey,
    complaint.share,
    complaint.sharedSecret,
  );
  const proved = knowledgeProofHolds(
    transcript,
    [
      { base: GENERATOR, public: accuser.transportKey.point },
      { base: complaint.share.ephemeralKey.point, public: complaint.sharedSecret.point },
    ],
    complaint.proof,
  );
  if (!proved) return err({ check: 'decryption-proof' });
  const share = openShare(params, accused, accuser.index, complaint.share, complaint.sharedSecret);
  return share.ok ? err({ check: 'share-is-valid' }) : ok({ accused: accused.guardianId });
}

export function ceremonyRecord(
  params: CeremonyParameters,
  announcements: readonly GuardianAnnouncement[],
  acceptances: readonly CeremonyAcceptance[],
): KeyCeremonyRecord {
  const ordered = params.guardianIds.map((id) => {
    const a = announcements.find((x) => x.guardianId === id);
    if (!a) throw new Error(`invariant failed: no announcement from ${id}`);
    return a;
  });
  const accepted = params.guardianIds.map((id) => {
    const a = acceptances.find((x) => x.guardianId === id);
    if (!a) throw new Error(`invariant failed: no acceptance from ${id}`);
    return a;
  });
  return {
    baseHash: params.baseHash,
    threshold: params.threshold,
    guardians: ordered,
    jointKey: jointKeyOf(ordered),
    acceptances: accepted,
  };
}

export function parametersOf(record: KeyCeremonyRecord): CeremonyParameters {
  return {
    baseHash: record.baseHash,
    guardianIds: record.guardians.map((g) => g.guardianId),
    threshold: record.threshold,
  };
}

/** Checks a published ceremony record: every proof, the guardian order, and the joint key. */
export function verifyCeremonyRecord(record: KeyCeremonyRecord): Result<void, CeremonyFailure> {
  const params = parametersOf(record);
  const valid = checkParameters(params);
  if (!valid.ok) return valid;
  for (let i = 0; i < record.guardians.length; i++) {
    const announcement = record.guardians[i] as GuardianAnnouncement;
    if (announcement.index !== i + 1) return err({ check: 'guardian-list', guardianId: announcement.guardianId });
    const checked = verifyAnnouncement(params, announcement);
    if (!checked.ok) return checked;
  }
  if (!jointKeyOf(record.guardians).equals(record.jointKey) || record.jointKey.point.is0())
    return err({ check: 'joint-key' });
  // Every guardian signed this very transcript (with no complaint standing in it).
  const transcript = ceremonyTranscriptHash(params, record.guardians);
  if (record.acceptances.length !== record.guardians.length) return err({ check: 'acceptance' });
  for (let i = 0; i < record.guardians.length; i++) {
    const signer = record.guardians[i] as GuardianAnnouncement;
    const acceptance = record.acceptances[i] as CeremonyAcceptance;
    if (!bytesEqual(acceptance.transcriptHash, transcript) || !acceptanceHolds(params, signer, acceptance)) {
      return err({ check: 'acceptance', guardianId: signer.guardianId });
    }
  }
  return ok();
}

/**
 * Runs a whole ceremony among Guardian objects in one process, each only exchanging
 * messages. DEMOS AND TESTS ONLY: whoever runs this process holds every guardian's
 * share and so the election secret; a real ceremony runs each guardian on its own
 * machine (`urna guardian …`). Each returned key share belongs to one guardian.
 */
export function runLocalCeremony(
  params: CeremonyParameters,
  random: RandomSource = systemRandom,
): Result<
  { readonly record: KeyCeremonyRecord; readonly keyShares: readonly GuardianKeyShare[] },
  CeremonyFailure | { readonly check: 'complaint'; readonly complaint: ShareComplaint }
> {
  const guardians: Guardian[] = [];
  for (const id of params.guardianIds) {
    const g = Guardian.create(params, id, random);
    if (!g.ok) return g;
    guardians.push(g.value);
  }
  for (const receiver of guardians) {
    for (const sender of guardians) {
      if (sender === receiver) continue;
      const received = receiver.receiveAnnouncement(sender.announcement);
      if (!received.ok) return received;
    }
  }
  for (const sender of guardians) {
    for (const receiver of guardians) {
      if (sender === receiver) continue;
      const received = receiver.receiveShare(sender.shareFor(receiver.guardianId));
      if (!received.ok) {
        if (received.error.problem === 'bad-share')
          return err({ check: 'complaint', complaint: received.error.complaint });
        throw new Error('invariant failed: a local guardian sent an unauthenticated share');
      }
    }
  }
  const keyShares: GuardianKeyShare[] = [];
  for (const g of guardians) {
    const share = g.finish();
    if (!share.ok) throw new Error('invariant failed: local ceremony missed a share');
    keyShares.push(share.value);
  }
  const announcements = guardians.map((g) => g.announcement);
  const transcript = ceremonyTranscriptHash(params, announcements);
  return ok({
    record: ceremonyRecord(
      params,
      announcements,
      guardians.map((g) => g.accept(transcript)),
    ),
    keyShares,
  });
}
