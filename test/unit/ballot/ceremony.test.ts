import { describe, expect, it } from 'vitest';
import {
  type CeremonyParameters,
  ceremonyRecord,
  ceremonyTranscriptHash,
  createAnnouncement,
  deterministicRandom,
  Guardian,
  type GuardianAnnouncement,
  keyCeremonyToRecord,
  parseKeyCeremony,
  parseShareComplaint,
  randomScalar,
  recordToCanonicalJson,
  sealShare,
  type ShareComplaint,
  shareComplaintToRecord,
  verifyAnnouncement,
  verifyCeremonyRecord,
  verifyComplaint,
  verificationKeyOf,
} from '../../../core/ballot';
import type { GuardianId } from '../../../core/ids';

const random = deterministicRandom('ceremony');
const params: CeremonyParameters = {
  baseHash: random(32),
  guardianIds: ['ana', 'boris', 'chen', 'dana'] as GuardianId[],
  threshold: 3,
};

function guardian(id: string): Guardian {
  const g = Guardian.create(params, id as GuardianId, random);
  if (!g.ok) throw new Error(JSON.stringify(g.error));
  return g.value;
}

describe('key ceremony', () => {
  it('guardians exchanging messages agree on the joint key and each holds a share matching the record', () => {
    const guardians = params.guardianIds.map(guardian);
    for (const receiver of guardians)
      for (const sender of guardians)
        if (sender !== receiver) expect(receiver.receiveAnnouncement(sender.announcement).ok).toBe(true);
    for (const sender of guardians)
      for (const receiver of guardians)
        if (sender !== receiver) expect(receiver.receiveShare(sender.shareFor(receiver.guardianId)).ok).toBe(true);
    const shares = guardians.map((g) => {
      const share = g.finish();
      if (!share.ok) throw new Error('finish');
      return share.value;
    });
    const announcements = guardians.map((g) => g.announcement);
    const transcript = ceremonyTranscriptHash(params, announcements);
    const record = ceremonyRecord(
      params,
      announcements,
      guardians.map((g) => g.accept(transcript)),
    );
    expect(verifyCeremonyRecord(record).ok).toBe(true);
    // Every guardian must have signed this transcript: one who signed another is named.
    const other = guardians[2]!.accept(ceremonyTranscriptHash(params, announcements.slice().reverse()));
    expect(
      verifyCeremonyRecord({ ...record, acceptances: record.acceptances.map((a, i) => (i === 2 ? other : a)) }),
    ).toEqual({ ok: false, error: { check: 'acceptance', guardianId: 'chen' } });
    // An acceptance signed by the wrong guardian's key does not count.
    expect(
      verifyCeremonyRecord({
        ...record,
        acceptances: record.acceptances.map((a, i) =>
          i === 1 ? { ...record.acceptances[0]!, guardianId: 'boris' as GuardianId, index: 2 } : a,
        ),
      }),
    ).toEqual({
      ok: false,
      error: { check: 'acceptance', guardianId: 'boris' },
    });
    for (const share of shares) {
      expect(share.jointKey.equals(record.jointKey)).toBe(true);
      expect(share.verificationKey.equals(verificationKeyOf(record.guardians, share.index))).toBe(true);
    }
    const text = recordToCanonicalJson(keyCeremonyToRecord(record));
    const parsed = parseKeyCeremony(JSON.parse(text));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(recordToCanonicalJson(keyCeremonyToRecord(parsed.value))).toBe(text);
    expect(verifyCeremonyRecord(parsed.value).ok).toBe(true);
  });

  it('refuses to finish before every share is in', () => {
    const a = guardian('ana');
    expect(a.finish()).toEqual({ ok: false, error: { problem: 'missing-shares', from: ['boris', 'chen', 'dana'] } });
  });

  it('a bad coefficient proof or a joint key that is not the sum is rejected by name', () => {
    const a = guardian('ana');
    const b = guardian('boris');
    const forged: GuardianAnnouncement = {
      ...b.announcement,
      coefficientProofs: [a.announcement.coefficientProofs[0]!, ...b.announcement.coefficientProofs.slice(1)],
    };
    expect(verifyAnnouncement(params, forged)).toEqual({
      ok: false,
      error: { check: 'coefficient-proof', guardianId: 'boris', coefficient: 0 },
    });
    expect(a.receiveAnnouncement({ ...b.announcement, index: 3 })).toEqual({
      ok: false,
      error: { check: 'guardian-list', guardianId: 'boris' },
    });
    const all = params.guardianIds.map((id) => guardian(id));
    const record = ceremonyRecord(
      params,
      all.map((g) => g.announcement),
      all.map((g) =>
        g.accept(
          ceremonyTranscriptHash(
            params,
            all.map((x) => x.announcement),
          ),
        ),
      ),
    );
    expect(verifyCeremonyRecord({ ...record, jointKey: record.guardians[0]!.coefficientCommitments[0]! })).toEqual({
      ok: false,
      error: { check: 'joint-key' },
    });
  });

  it('a bad share becomes a complaint anyone can check, naming the sender', () => {
    const ana = guardian('ana');
    const chen = guardian('chen');
    // Boris is dishonest: he runs the protocol by hand and sends Ana a share off his polynomial.
    const borisSecret = randomScalar(random);
    const boris = createAnnouncement(
      params,
      'boris' as GuardianId,
      2,
      [randomScalar(random), randomScalar(random), randomScalar(random)],
      borisSecret,
      random,
    );
    expect(ana.receiveAnnouncement(boris).ok).toBe(true);
    expect(chen.receiveAnnouncement(ana.announcement).ok).toBe(true);
    const bad = sealShare(params, boris, borisSecret, ana.announcement, randomScalar(random), random);

    const received = ana.receiveShare(bad);
    if (received.ok || received.error.problem !== 'bad-share') throw new Error('expected a complaint');
    const complaint: ShareComplaint = received.error.complaint;
    const announcements = [ana.announcement, boris, chen.announcement];
    expect(verifyComplaint(params, announcements, complaint)).toEqual({ ok: true, value: { accused: 'boris' } });

    // The complaint survives its wire form.
    const parsed = parseShareComplaint(JSON.parse(recordToCanonicalJson(shareComplaintToRecord(complaint))));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(verifyComplaint(params, announcements, parsed.value)).toEqual({ ok: true, value: { accused: 'boris' } });

    // A false accusation against an honest sender does not stand, nor does a doctored one.
    const honest = chen.shareFor('ana' as GuardianId);
    const lie: ShareComplaint = { ...complaint, accused: 'chen' as GuardianId, share: honest };
    expect(verifyComplaint(params, announcements, lie)).toEqual({ ok: false, error: { check: 'decryption-proof' } });
    const tamperedShare = {
      ...complaint.share,
      encryptedShare: complaint.share.encryptedShare.map((x, i) => (i === 0 ? x ^ 1 : x)),
    };
    expect(verifyComplaint(params, announcements, { ...complaint, share: tamperedShare })).toEqual({
      ok: false,
      error: { check: 'share-signature' },
    });
  });

  it('a share not signed by its claimed sender is dropped as unauthenticated', () => {
    const ana = guardian('ana');
    const boris = guardian('boris');
    expect(ana.receiveAnnouncement(boris.announcement)).toMatchObject({ ok: true });
    expect(boris.receiveAnnouncement(ana.announcement)).toMatchObject({ ok: true });
    const message = boris.shareFor('ana' as GuardianId);
    expect(ana.receiveShare(message).ok).toBe(true);
    const unsigned = ana.receiveShare({ ...message, from: 'chen' as GuardianId });
    expect(unsigned).toEqual({ ok: false, error: { problem: 'unauthenticated' } });
  });
});
