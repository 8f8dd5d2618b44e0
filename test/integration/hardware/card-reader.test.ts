import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CardReader } from '../../../hardware/card-reader/card-reader';
import type { CardReaderState } from '../../../hardware/card-reader/status';
import { MemoryLogger } from '../../../hardware/logger';
import { cardFailureMessage, hardwareMessages } from '../../../core/i18n/hardware';
import { CardReaderSimulator } from '../../../hardware/sim/card-reader-sim';
import { buildCardSet, demoCardSetFile, demoSeed } from '../../../hardware/sim/card-set';
import type { CardSet } from '../../../hardware/sim/card-set';
import type { VirtualCard } from '../../../hardware/sim/virtual-card';
import { PtyPair } from '../../../hardware/sim/pty-pair';
import { StaffAuth } from '../../../main/station/staff-auth';

describe('card reader over a real pty, against the simulator', () => {
  let dir: string;
  let pair: PtyPair;
  let sim: CardReaderSimulator;
  let reader: CardReader;
  let logger: MemoryLogger;
  let cards: CardSet;

  const card = (name: string): VirtualCard => {
    const found = cards.cards.get(name);
    if (!found) throw new Error(`no card ${name}`);
    return found;
  };
  const waitFor = (state: CardReaderState, timeoutMs = 2000) =>
    reader.waitForStatus((s) => s.state === state, timeoutMs);

  beforeAll(() => {
    dir = PtyPair.tempDir();
  });
  afterAll(() => PtyPair.removeDir(dir));

  beforeEach(async () => {
    cards = buildCardSet(demoCardSetFile());
    pair = new PtyPair(dir, 'reader');
    await pair.open();
    sim = new CardReaderSimulator({ path: pair.devicePath });
    await sim.start();
    logger = new MemoryLogger();
    reader = new CardReader({
      path: pair.hostPath,
      logger,
      cardIssuerKeys: [cards.cardIssuerPublicKey],
      tokenIssuerKeys: [cards.tokenIssuerPublicKey],
      pollIntervalMs: 150,
      responseTimeoutMs: 1000,
      reconnectDelayMs: { initial: 50, max: 300 },
    });
    reader.start();
    expect(await waitFor('no-card', 3000)).toEqual({ state: 'no-card' });
  });

  afterEach(async () => {
    await reader.stop();
    await sim.stop();
    await pair.kill();
  });

  it('card inserted, then removed: each reported once', async () => {
    sim.insert(card('worker'));
    expect(await waitFor('card-present')).toEqual({ state: 'card-present' });
    sim.remove();
    expect(await waitFor('no-card')).toEqual({ state: 'no-card' });
    const changes = logger.events('card-reader.status-changed').map((f) => `${String(f.from)}>${String(f.to)}`);
    expect(changes).toEqual(['disconnected>no-card', 'no-card>card-present', 'card-present>no-card']);
    expect(await reader.identifyCard()).toEqual({ ok: false, error: { kind: 'no-card' } });
  });

  it('a poll worker with the right PIN is authenticated by a fresh challenge', async () => {
    sim.insert(card('worker'));
    await waitFor('card-present');
    const identified = await reader.identifyCard();
    expect(identified.ok && identified.value).toMatchObject({ cardId: 'pw-0001', role: 'poll-worker' });
    const result = await reader.authenticate({ pin: '1234', roles: ['poll-worker'] });
    expect(result.ok && result.value.certificate).toMatchObject({ cardId: 'pw-0001', role: 'poll-worker' });
    // The sign-in is the station's to log (auth.signed-in); the driver logs device facts, none naming the card.
    expect(JSON.stringify(logger.lines)).not.toContain('pw-0001');
    expect(JSON.stringify(logger.lines)).not.toContain('1234');
  });

  it('an election official card is refused where a poll worker card is required, and accepted where an official is', async () => {
    sim.insert(card('official'));
    await waitFor('card-present');
    expect(await reader.authenticate({ pin: '5678', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'wrong-card-role', role: 'election-official' },
    });
    const result = await reader.authenticate({ pin: '5678', roles: ['election-official'] });
    expect(result.ok).toBe(true);
  });

  it('three wrong PINs lock the card, and the right PIN no longer opens it', async () => {
    sim.insert(card('worker'));
    await waitFor('card-present');
    expect(await reader.authenticate({ pin: '0000', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'wrong-pin', remaining: 2 },
    });
    expect(await reader.authenticate({ pin: '1111', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'wrong-pin', remaining: 1 },
    });
    expect(await reader.authenticate({ pin: '2222', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'card-locked' },
    });
    expect(await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'card-locked' },
    });
    expect(card('worker').pinTriesLeft).toBe(0);
    expect(cardFailureMessage('ru', 'wrong-pin', 2)).toBe('Неверный PIN-код. Осталось попыток: 2.');
  });

  it('a wrong PIN is logged once, by the station, as what happened to the sign-in', async () => {
    // The station and its drivers share one logger, as in main/station/devices.ts.
    const auth = new StaffAuth({ reader, logger });
    auth.start();
    sim.insert(card('worker'));
    await vi.waitFor(() => expect(auth.state.state).toBe('awaiting-pin'));
    expect(await auth.submitPin('0000')).toMatchObject({ state: 'awaiting-pin', wrongPin: { remaining: 2 } });
    auth.stop();
    const aboutThePin = logger.lines.filter(
      (line) => line.eventId.includes('pin') || JSON.stringify(line.fields).includes('wrong-pin'),
    );
    expect(aboutThePin.map((line) => line.eventId)).toEqual(['auth.pin-wrong']);
    expect(aboutThePin[0]?.fields).toMatchObject({ cardId: 'pw-0001', remaining: 2, outcome: 'failure' });
  });

  it("a card failure of the device is the driver's to log; a verdict on the card is not", async () => {
    expect(await reader.identifyCard()).toEqual({ ok: false, error: { kind: 'no-card' } });
    sim.insert(card('clone'));
    await waitFor('card-present');
    expect(await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).toMatchObject({ ok: false });
    expect(logger.events('card-reader.operation-failed')).toEqual([]);
    sim.goSilent();
    const failed = await reader.identifyCard({ timeoutMs: 500 });
    expect(failed.ok).toBe(false);
    expect(logger.events('card-reader.operation-failed').map((fields) => fields['operation'])).toEqual(['identify']);
  });

  it('a right PIN resets the retry counter', async () => {
    sim.insert(card('worker'));
    await waitFor('card-present');
    expect(await reader.authenticate({ pin: '9999', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'wrong-pin', remaining: 2 },
    });
    expect((await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).ok).toBe(true);
    expect(card('worker').pinTriesLeft).toBe(3);
  });

  it('a cloned card (same id, same certificate, same PIN, other key) is refused', async () => {
    sim.insert(card('clone'));
    await waitFor('card-present');
    const identified = await reader.identifyCard();
    expect(identified.ok && identified.value.cardId).toBe('pw-0001'); // the copy looks right…
    expect(await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'card-not-genuine', cardId: 'pw-0001' },
    });
    // Refused, and no line of the driver's says otherwise (the station logs auth.card-refused).
    expect(JSON.stringify(logger.lines)).not.toContain('pw-0001');
  });

  it('a card from another issuer is refused', async () => {
    const foreign = buildCardSet({ ...demoCardSetFile(), cardIssuerSeed: demoSeed('another-issuer') });
    const stranger = foreign.cards.get('worker');
    if (!stranger) throw new Error('missing');
    sim.insert(stranger);
    await waitFor('card-present');
    expect(await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'certificate-invalid', reason: 'unknown-issuer' },
    });
  });

  it('a card inserted the wrong way round is unreadable, and reads after turning it', async () => {
    sim.insert(card('worker'), { backwards: true });
    expect(await waitFor('card-unreadable')).toEqual({ state: 'card-unreadable' });
    expect(await reader.identifyCard()).toEqual({ ok: false, error: { kind: 'card-unreadable' } });
    expect(hardwareMessages.en.cardReader['card-unreadable']).toContain('other way round');
    sim.remove();
    await waitFor('no-card');
    sim.insert(card('worker'));
    await waitFor('card-present');
    expect((await reader.identifyCard()).ok).toBe(true);
  });

  it('a card that stops answering is reported unresponsive', async () => {
    sim.insert(card('worker'));
    await waitFor('card-present');
    sim.setCardMute(true);
    expect(await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).toEqual({
      ok: false,
      error: { kind: 'card-unresponsive' },
    });
    expect(reader.getStatus()).toEqual({ state: 'card-unresponsive' });
    sim.remove();
    expect(await waitFor('no-card')).toEqual({ state: 'no-card' });
  });

  it('reads a voter activation token once, burns it, and refuses it after', async () => {
    sim.insert(card('voter'));
    await waitFor('card-present');
    const token = await reader.readActivationToken();
    expect(token.ok && token.value).toMatchObject({
      cardId: 'va-0001',
      electionId: 'demo-2026',
      precinctId: 'p-0001',
      ballotStyleId: 'bs-1',
    });
    if (!token.ok) return;
    expect(token.value.tokenId).toMatch(/^[0-9a-f]{32}$/);
    expect(await reader.burnActivationToken(token.value.tokenId)).toEqual({ ok: true, value: undefined });
    expect(await reader.readActivationToken()).toEqual({ ok: false, error: { kind: 'token-already-used' } });
    expect(await reader.burnActivationToken(token.value.tokenId)).toEqual({
      ok: false,
      error: { kind: 'token-already-used' },
    });
  });

  it('a staff card holds no activation token', async () => {
    sim.insert(card('worker'));
    await waitFor('card-present');
    expect(await reader.readActivationToken()).toEqual({
      ok: false,
      error: { kind: 'wrong-card-role', role: 'poll-worker' },
    });
  });

  it('a token signed by an unknown key is invalid', async () => {
    const forged = buildCardSet({ ...demoCardSetFile(), tokenIssuerSeed: demoSeed('forger') });
    const voter = forged.cards.get('voter');
    if (!voter) throw new Error('missing');
    sim.insert(voter);
    await waitFor('card-present');
    expect(await reader.readActivationToken()).toEqual({
      ok: false,
      error: { kind: 'token-invalid', reason: 'unknown-issuer' },
    });
  });

  it('a silent reader is disconnected, and recovers by itself', async () => {
    sim.goSilent();
    expect(await waitFor('disconnected', 2000)).toMatchObject({ state: 'disconnected', reason: 'not-responding' });
    sim.goSilent(false);
    expect(await waitFor('no-card', 4000)).toEqual({ state: 'no-card' });
  });

  it('a killed reader is disconnected within 2 s; a new one on the same path is used without restarting the driver', async () => {
    await sim.stop();
    await pair.kill();
    expect(await waitFor('disconnected', 2000)).toMatchObject({ state: 'disconnected' });
    expect(await reader.identifyCard({ timeoutMs: 500 })).toEqual({ ok: false, error: { kind: 'reader-unavailable' } });
    await pair.open();
    sim = new CardReaderSimulator({ path: pair.devicePath });
    await sim.start();
    expect(await waitFor('no-card', 5000)).toEqual({ state: 'no-card' });
    sim.insert(card('worker'));
    await waitFor('card-present');
    expect((await reader.authenticate({ pin: '1234', roles: ['poll-worker'] })).ok).toBe(true);
  });
});
