/**
 * A staff card reader whose slot and card a test controls: the real sign-in
 * (main/station/staff-auth.ts) runs over it, PIN check and all.
 */
import { err, ok, type Result } from '../../core/result';
import type { AuthenticatedCard, CardFailure } from '../../hardware/card-reader/card-reader';
import type { CardCertificate, CardRole } from '../../hardware/card-reader/card-data';
import type { CardReaderStatus } from '../../hardware/card-reader/status';
import type { StaffCardReader } from '../../main/station/staff-auth';

export type TestCard = { cardId: string; role: CardRole; pin: string; genuine: boolean; tries: number };

export class TestStaffReader implements StaffCardReader {
  status: CardReaderStatus = { state: 'no-card' };
  card: TestCard | null = null;
  private readonly listeners = new Set<(status: CardReaderStatus) => void>();

  getStatus(): CardReaderStatus {
    return this.status;
  }
  onStatusChange(listener: (status: CardReaderStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(status: CardReaderStatus): void {
    this.status = status;
    for (const l of this.listeners) l(status);
  }
  insert(card: TestCard): void {
    this.card = card;
    this.set({ state: 'card-present' });
  }
  remove(): void {
    this.card = null;
    this.set({ state: 'no-card' });
  }
  identifyCard(): Promise<Result<CardCertificate, CardFailure>> {
    const card = this.card;
    if (!card) return Promise.resolve(err({ kind: 'no-card' }));
    return Promise.resolve(
      ok({ cardId: card.cardId, role: card.role, publicKey: new Uint8Array(32), issuerKeyId: '00000000' }),
    );
  }
  authenticate(input: { pin: string }): Promise<Result<AuthenticatedCard, CardFailure>> {
    const card = this.card;
    if (!card) return Promise.resolve(err({ kind: 'no-card' }));
    if (card.tries === 0) return Promise.resolve(err({ kind: 'card-locked' }));
    if (input.pin !== card.pin) {
      card.tries -= 1;
      return Promise.resolve(err({ kind: 'wrong-pin', remaining: card.tries }));
    }
    card.tries = 3;
    if (!card.genuine) return Promise.resolve(err({ kind: 'card-not-genuine', cardId: card.cardId }));
    return Promise.resolve(
      ok({
        certificate: { cardId: card.cardId, role: card.role, publicKey: new Uint8Array(32), issuerKeyId: '00000000' },
      }),
    );
  }
}
