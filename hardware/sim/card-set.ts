import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { fromHex, toHex } from '../../core/encoding/bytes';
import type { InputFormat } from '../../core/input-errors';
import { sha256 } from '../../core/encoding/hash';
import { issueActivationToken, issueCertificate } from '../card-reader/card-data';
import type { CardRole } from '../card-reader/card-data';
import { VirtualCard } from './virtual-card';

/**
 * A set of simulated cards, as a JSON file for `urna sim card-reader --cards FILE`.
 * Keys are derived from hex seeds so that a demo station and its simulator agree on
 * the issuer keys without exchanging files. Demo keys only: never for an election.
 */
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, '32 bytes as 64 lowercase hex digits');
// Strict: a misspelt field ("pinn") is named, not silently ignored.
const cardSpec = z.strictObject({
  name: z.string().min(1),
  cardId: z.string().min(1).max(64),
  role: z.enum(['poll-worker', 'election-official', 'voter-activation']),
  seed: hex32,
  pin: z
    .string()
    .regex(/^[0-9]{4,12}$/)
    .optional(),
  /** A clone copies another card's id and certificate but has its own (wrong) key. */
  cloneOf: z.string().optional(),
  token: z
    .strictObject({
      electionId: z.string().min(1).max(48),
      precinctId: z.string().min(1).max(48),
      ballotStyleId: z.string().min(1).max(48),
    })
    .optional(),
});
export const cardSetSchema = z.strictObject({
  cardIssuerSeed: hex32,
  tokenIssuerSeed: hex32,
  cards: z.array(cardSpec).min(1),
});
export type CardSetFile = z.infer<typeof cardSetSchema>;
export const cardSetFormat: InputFormat<CardSetFile> = { name: 'card-set', what: 'card set', schema: cardSetSchema };

export type CardSet = {
  readonly cardIssuerPublicKey: Uint8Array;
  readonly tokenIssuerPublicKey: Uint8Array;
  /** Fresh cards by name (PIN counters and burnt tokens live in these objects). */
  readonly cards: ReadonlyMap<string, VirtualCard>;
};

export function buildCardSet(file: CardSetFile): CardSet {
  const issuerSecret = fromHex(file.cardIssuerSeed);
  const tokenSecret = fromHex(file.tokenIssuerSeed);
  const cards = new Map<string, VirtualCard>();
  const genuine = new Map<
    string,
    { cardId: string; role: CardRole; certificate: Uint8Array; token?: Uint8Array; pin?: string }
  >();
  for (const spec of file.cards.filter((card) => !card.cloneOf)) {
    const secretKey = fromHex(spec.seed);
    const certificate = issueCertificate(
      { cardId: spec.cardId, role: spec.role, publicKey: ed25519.getPublicKey(secretKey) },
      issuerSecret,
    );
    const token = spec.token
      ? issueActivationToken(
          { cardId: spec.cardId, tokenId: sha256(fromHex(spec.seed)).slice(0, 16), ...spec.token },
          tokenSecret,
        )
      : undefined;
    genuine.set(spec.name, { cardId: spec.cardId, role: spec.role, certificate, token, pin: spec.pin });
    cards.set(
      spec.name,
      new VirtualCard({
        cardId: spec.cardId,
        role: spec.role,
        secretKey,
        certificate,
        pin: spec.pin,
        activationToken: token,
      }),
    );
  }
  for (const spec of file.cards.filter((card) => card.cloneOf)) {
    const original = genuine.get(spec.cloneOf ?? '');
    if (!original) throw new Error(`card ${spec.name} clones unknown card ${spec.cloneOf ?? ''}`);
    cards.set(
      spec.name,
      new VirtualCard({
        cardId: original.cardId,
        role: original.role,
        secretKey: fromHex(spec.seed),
        certificate: original.certificate,
        pin: spec.pin ?? original.pin,
        activationToken: original.token,
      }),
    );
  }
  return {
    cardIssuerPublicKey: ed25519.getPublicKey(issuerSecret),
    tokenIssuerPublicKey: ed25519.getPublicKey(tokenSecret),
    cards,
  };
}

/** Deterministic demo seed: SHA-256 of a label (demo keys are public by design). */
export function demoSeed(label: string): string {
  return toHex(sha256(new TextEncoder().encode(`urna-demo/${label}`)));
}

/** The demo card set used when no file is given. */
export function demoCardSetFile(): CardSetFile {
  return {
    cardIssuerSeed: demoSeed('card-issuer'),
    tokenIssuerSeed: demoSeed('token-issuer'),
    cards: [
      { name: 'worker', cardId: 'pw-0001', role: 'poll-worker', seed: demoSeed('pw-0001'), pin: '1234' },
      { name: 'official', cardId: 'eo-0001', role: 'election-official', seed: demoSeed('eo-0001'), pin: '5678' },
      {
        name: 'voter',
        cardId: 'va-0001',
        role: 'voter-activation',
        seed: demoSeed('va-0001'),
        token: { electionId: 'demo-2026', precinctId: 'p-0001', ballotStyleId: 'bs-1' },
      },
      { name: 'clone', cardId: 'pw-0001', role: 'poll-worker', seed: demoSeed('clone-of-pw-0001'), cloneOf: 'worker' },
      // Activation cards for the demo station's sample election (main/station/demo-election.ts).
      ...[2, 3, 4].map((n) => ({
        name: `sample-voter-${n - 1}`,
        cardId: `va-000${n}`,
        role: 'voter-activation' as const,
        seed: demoSeed(`va-000${n}`),
        token: { electionId: 'svetlogorye-2026-09', precinctId: 'uik-1202', ballotStyleId: 'style-district-1' },
      })),
    ],
  };
}
