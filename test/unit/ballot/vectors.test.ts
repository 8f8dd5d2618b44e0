/**
 * Known-answer vectors: every record of a small election, generated from a fixed seed
 * and committed under test/vectors/. The test regenerates them and compares the file
 * byte for byte, so any change to a format, a domain tag or a derivation shows up here
 * and has to be made on purpose (URNA_UPDATE_VECTORS=1 rewrites the file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BallotBinding,
  type BallotId,
  type BallotManifest,
  challengedBallotToRecord,
  confirmationSeed,
  createElectionContext,
  decryptTally,
  deterministicRandom,
  type EncryptedBallot,
  encryptBallot,
  encryptedBallotToRecord,
  encryptedTallyToRecord,
  guardianKeyShareToRecord,
  keyCeremonyToRecord,
  nextConfirmationCode,
  parseEncryptedBallot,
  parseKeyCeremony,
  partialDecryptionToRecord,
  partiallyDecrypt,
  plaintextTallyToRecord,
  recordToCanonicalJson,
  runLocalCeremony,
  TallyAccumulator,
  verifyBallots,
  verifyCeremonyRecord,
} from '../../../core/ballot';
import { canonicalize } from '../../../core/encoding/canonical-json';
import { toBase64Url } from '../../../core/encoding/bytes';
import type { ContestId, GuardianId, SelectionId, StationId } from '../../../core/ids';

const VECTOR_FILE = path.resolve('test/vectors/ballot-kat.jsonl');
const SEED = 'urna-ballot-kat-v1';

function generate(): string {
  const random = deterministicRandom(SEED);
  const manifest: BallotManifest = {
    contests: [
      { contestId: 'referendum' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] },
      { contestId: 'council' as ContestId, limit: 2, selections: ['dan', 'erin', 'frank'] as SelectionId[] },
    ],
  };
  const lines: string[] = [];
  const emit = (name: string, record: unknown) => lines.push(canonicalize({ name, record }));

  emit('seed', { seed: SEED, manifest });
  const ceremony = runLocalCeremony(
    { baseHash: random(32), guardianIds: ['g-1', 'g-2', 'g-3'] as GuardianId[], threshold: 2 },
    random,
  );
  if (!ceremony.ok) throw new Error('ceremony');
  emit('key-ceremony', keyCeremonyToRecord(ceremony.value.record));
  for (const share of ceremony.value.keyShares)
    emit(`guardian-key-share/${share.guardianId}`, guardianKeyShareToRecord(share));

  const context = createElectionContext(random(32), ceremony.value.record.jointKey);
  emit('extended-base-hash', { extendedBaseHash: toBase64Url(context.extendedBaseHash) });
  let code = confirmationSeed(context.extendedBaseHash, 'station-1' as StationId);
  const binding: BallotBinding = { stationId: 'station-1', ballotStyleId: 'style-1' };
  emit('ballot-binding', binding);
  emit('confirmation-seed', { stationId: 'station-1', code: toBase64Url(code) });

  const votes: Record<string, string[]>[] = [
    { referendum: ['yes'], council: ['dan', 'frank'] },
    { referendum: ['no'] },
    { council: ['erin'] },
  ];
  const tally = new TallyAccumulator(manifest);
  const cast: EncryptedBallot[] = [];
  votes.forEach((choices, i) => {
    const ballotId = `kat-${i + 1}` as BallotId;
    const outcome = encryptBallot(
      context,
      manifest,
      binding,
      { ballotId, choices: choices as Record<string, SelectionId[]> },
      random,
    );
    if (!outcome.ok) throw new Error('encrypt');
    code = nextConfirmationCode(code, outcome.value.ballot);
    emit(`encrypted-ballot/${ballotId}`, encryptedBallotToRecord(outcome.value.ballot));
    emit(`confirmation-code/${ballotId}`, { code: toBase64Url(code) });
    if (i === 1) {
      emit(
        `challenged-ballot/${ballotId}`,
        challengedBallotToRecord({
          ballotId,
          choices: choices as Record<string, SelectionId[]>,
          masterNonce: outcome.value.masterNonce,
        }),
      );
    } else {
      expect(tally.add(outcome.value.ballot)).toMatchObject({ ok: true });
      cast.push(outcome.value.ballot);
    }
  });
  expect(verifyBallots(context, manifest, binding, cast).ok).toBe(true);

  const encryptedTally = tally.result();
  emit('encrypted-tally', encryptedTallyToRecord(encryptedTally));
  const present = [ceremony.value.keyShares[0], ceremony.value.keyShares[2]].map((share) =>
    partiallyDecrypt(context, share!, encryptedTally, random),
  );
  for (const partial of present) emit(`partial-decryption/${partial.guardianId}`, partialDecryptionToRecord(partial));
  const result = decryptTally(context, ceremony.value.record, encryptedTally, present);
  if (!result.ok) throw new Error('decrypt');
  emit('plaintext-tally', plaintextTallyToRecord(result.value));
  expect(result.value.contests.map((c) => c.selections.map((s) => s.count))).toEqual([
    [1, 0],
    [1, 1, 1],
  ]);
  return `${lines.join('\n')}\n`;
}

describe('known-answer vectors', () => {
  it('regenerates test/vectors/ballot-kat.jsonl byte for byte from its seed', () => {
    const generated = generate();
    if (process.env.URNA_UPDATE_VECTORS === '1') writeFileSync(VECTOR_FILE, generated);
    expect(generated).toBe(readFileSync(VECTOR_FILE, 'utf8'));
  });

  it('the committed records parse and verify on their own', () => {
    const lines = readFileSync(VECTOR_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; record: unknown });
    const ceremony = parseKeyCeremony(lines.find((l) => l.name === 'key-ceremony')?.record);
    if (!ceremony.ok) throw new Error(JSON.stringify(ceremony.error));
    expect(verifyCeremonyRecord(ceremony.value).ok).toBe(true);
    for (const line of lines.filter((l) => l.name.startsWith('encrypted-ballot/'))) {
      const parsed = parseEncryptedBallot(line.record);
      expect(parsed.ok).toBe(true);
      if (parsed.ok)
        expect(recordToCanonicalJson(encryptedBallotToRecord(parsed.value))).toBe(canonicalize(line.record));
    }
  });
});
