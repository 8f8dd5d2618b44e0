import { describe, expect, it } from 'vitest';
import {
  type BallotBinding,
  decryptTally,
  deterministicRandom,
  type EncryptedBallot,
  encryptBallot,
  encryptedBallotToRecord,
  parseEncryptedBallot,
  partiallyDecrypt,
  type PlaintextBallot,
  recordToCanonicalJson,
  TallyAccumulator,
  verifyBallot,
  verifyBallots,
} from '../../../core/ballot';
import { plaintextCounts, randomBallot, randomInt, randomManifest, randomQuorum, setUpElection } from './helpers';

// The acceptance run: 1,000 random ballots across the random elections
// (URNA_BALLOT_ROUNDTRIP overrides the count, e.g. for a quick local run).
const TOTAL_BALLOTS = Number(process.env.URNA_BALLOT_ROUNDTRIP ?? 1000);
// About 50 ballots per election keeps each test short enough that the worker stays responsive.
const ELECTIONS = Math.max(6, Math.ceil(TOTAL_BALLOTS / 50));

describe('ballot round trip', () => {
  const binding: BallotBinding = { stationId: 'station-1', ballotStyleId: 'style-1' };
  for (let e = 0; e < ELECTIONS; e++) {
    it(`random election ${e}: encrypt, verify, tally and decrypt with any k of n guardians`, async () => {
      const random = deterministicRandom(`round-trip-${e}`);
      const manifest = randomManifest(random);
      const guardians = 1 + randomInt(random, 5);
      const threshold = 1 + randomInt(random, guardians);
      const election = setUpElection(random, guardians, threshold);

      const plaintexts: PlaintextBallot[] = [];
      const encrypted: EncryptedBallot[] = [];
      const count = Math.ceil(TOTAL_BALLOTS / ELECTIONS);
      for (let b = 0; b < count; b++) {
        const plaintext = randomBallot(random, manifest, `ballot-${e}-${b}`);
        const outcome = encryptBallot(election.context, manifest, binding, plaintext, random);
        if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
        plaintexts.push(plaintext);
        encrypted.push(outcome.value.ballot);
        // Long synchronous stretches starve the test worker's messages to vitest; yield now and then.
        if (b % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
      }

      expect(verifyBallots(election.context, manifest, binding, encrypted, { random })).toEqual({
        ok: true,
        value: undefined,
      });
      expect(verifyBallot(election.context, manifest, binding, encrypted[0] as EncryptedBallot).ok).toBe(true);

      // The wire form parses back to a ballot that verifies and re-serialises identically.
      const record = encryptedBallotToRecord(encrypted[0] as EncryptedBallot);
      const text = recordToCanonicalJson(record);
      const parsed = parseEncryptedBallot(JSON.parse(text));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
      expect(recordToCanonicalJson(encryptedBallotToRecord(parsed.value))).toBe(text);
      expect(verifyBallot(election.context, manifest, binding, parsed.value).ok).toBe(true);

      const accumulator = new TallyAccumulator(manifest);
      for (const ballot of encrypted) expect(accumulator.add(ballot).ok).toBe(true);
      const tally = accumulator.result();
      const expected = plaintextCounts(manifest, plaintexts);

      for (const size of new Set([threshold, guardians])) {
        const quorum = randomQuorum(random, election.keyShares, size);
        const partials = quorum.map((share) => partiallyDecrypt(election.context, share, tally, random));
        const result = decryptTally(election.context, election.ceremony, tally, partials);
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        expect(result.value.ballotCount).toBe(count);
        expect(result.value.contests.map((c) => c.selections.map((s) => s.count))).toEqual(expected);
      }
    });
  }
});
