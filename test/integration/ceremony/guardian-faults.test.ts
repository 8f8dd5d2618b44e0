/**
 * When a guardian misbehaves during the ceremony, on separate machines:
 *
 *   a bad share → the receiver publishes a complaint anyone can check, naming the
 *   sender → no guardian can accept and no record can be assembled → the documented
 *   recovery (a new ceremony without that guardian) completes;
 *   a false accusation → it does not check, and the accuser is named;
 *   a guardian who accepts a different transcript → the record is refused, naming them.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTED_STATE_TYPE, openGuardianSecret } from '../../../cli/guardian-files';
import {
  ceremonyTranscriptHash,
  createAnnouncement,
  Guardian,
  parseGuardianAnnouncement,
  parseGuardianCeremonyState,
  parseKeyCeremony,
  parseShareComplaint,
  randomScalar,
  recordToCanonicalJson,
  ceremonyAcceptanceToRecord,
  sealShare,
  shareComplaintToRecord,
  shareMessageToRecord,
  parseShareMessage,
  verifyCeremonyRecord,
  verifyComplaint,
  GroupElement,
  GENERATOR,
  systemRandom,
  type GuardianAnnouncement,
} from '../../../core/ballot';
import type { GuardianId } from '../../../core/ids';
import { CeremonyRoom, urnaAsync, type GuardianMachine } from '../../support/guardian-machines';

let work: string;
const baseHash = new Uint8Array(32).fill(7);

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'urna-guardian-faults-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** A guardian's own operator opening its own state (its passphrase, its folder): what a dishonest guardian has. */
function ownGuardian(room: CeremonyRoom, machine: GuardianMachine): Guardian {
  const file = path.join(machine.stateDir, 'ceremony-state.secret.json');
  const state = parseGuardianCeremonyState(
    openGuardianSecret(file, json(file), machine.passphrase, ENCRYPTED_STATE_TYPE),
  );
  if (!state.ok) throw new Error('state');
  const g = Guardian.restore(state.value.params, state.value.guardianId, state.value.secrets, state.value.announcement);
  if (!g.ok) throw new Error('restore');
  for (let i = 1; i <= room.count; i++) {
    const a = parseGuardianAnnouncement(json(path.join(room.media, `announcement-guardian-${i}.json`)));
    if (!a.ok) throw new Error(`announcement-guardian-${i}.json does not parse`);
    if (a.value.guardianId === g.value.guardianId) continue;
    const received = g.value.receiveAnnouncement(a.value);
    if (!received.ok) throw new Error(`guardian-${i}'s announcement fails ${received.error.check}`);
  }
  return g.value;
}

function announcements(room: CeremonyRoom): GuardianAnnouncement[] {
  return room.machines.map((m) => {
    const a = parseGuardianAnnouncement(json(path.join(room.media, `announcement-${m.id}.json`)));
    if (!a.ok) throw new Error('announcement');
    return a.value;
  });
}

function paramsOf(room: CeremonyRoom) {
  return { baseHash, threshold: room.threshold, guardianIds: room.machines.map((m) => m.id as GuardianId) };
}

describe('a guardian who sends a bad share', () => {
  it('is named by a complaint anyone can check; nothing can finish; a new ceremony without them completes', async () => {
    const room = new CeremonyRoom(path.join(work, 'cheat'), 3, 2, baseHash);
    for (const step of ['init', 'announce'] as const)
      expect((await room.everyone(step)).map((r) => r.status)).toEqual([0, 0, 0]);
    const [g1, g2, g3] = room.machines as [GuardianMachine, GuardianMachine, GuardianMachine];
    expect((await Promise.all([room.step(g1, 'share'), room.step(g3, 'share')])).map((r) => r.status)).toEqual([0, 0]);

    // guardian-2 plays the protocol by hand: an honest share for guardian-3, a share off its polynomial for guardian-1.
    const cheat = ownGuardian(room, g2);
    const file = path.join(g2.stateDir, 'ceremony-state.secret.json');
    const state = parseGuardianCeremonyState(openGuardianSecret(file, json(file), g2.passphrase, ENCRYPTED_STATE_TYPE));
    if (!state.ok) throw new Error('state');
    const [a1] = announcements(room) as [GuardianAnnouncement];
    writeFileSync(
      path.join(room.media, 'share-guardian-2-to-guardian-3.json'),
      `${recordToCanonicalJson(shareMessageToRecord(cheat.shareFor('guardian-3' as GuardianId)))}\n`,
    );
    const bad = sealShare(
      paramsOf(room),
      cheat.announcement,
      state.value.secrets.transportSecret,
      a1,
      randomScalar(systemRandom),
      systemRandom,
    );
    writeFileSync(
      path.join(room.media, 'share-guardian-2-to-guardian-1.json'),
      `${recordToCanonicalJson(shareMessageToRecord(bad))}\n`,
    );

    const received = await room.everyone('receive');
    expect(received[0]?.status).toBe(1);
    expect(received[0]?.stderr).toContain('bad share from guardian-2');
    expect(received[2]?.status).toBe(0);

    // Anyone can check the complaint with the public messages alone, and it names guardian-2.
    const complaint = parseShareComplaint(json(path.join(room.media, 'complaint-guardian-1-against-guardian-2.json')));
    if (!complaint.ok) throw new Error('complaint');
    expect(verifyComplaint(paramsOf(room), announcements(room), complaint.value)).toEqual({
      ok: true,
      value: { accused: 'guardian-2' },
    });

    // Nobody can accept, and no record can be assembled, while it stands.
    const accepted = await room.step(g3, 'accept');
    expect(accepted.status).toBe(1);
    expect(accepted.stderr).toContain(
      'complaint by guardian-1 stands: guardian-2 sent a share that does not match its own commitments',
    );
    const assembled = await urnaAsync([
      'keys',
      'ceremony-record',
      '--messages',
      room.media,
      '--out',
      path.join(work, 'cheat.json'),
    ]);
    expect(assembled.status).toBe(1);
    expect(assembled.stderr).toContain('start a new one without guardian-2');

    // The recovery: a new ceremony of the two honest guardians, on new folders and a new medium.
    const again = new CeremonyRoom(path.join(work, 'again'), 2, 2, baseHash);
    await again.holdCeremony();
    const out = path.join(work, 'again.json');
    const record = await urnaAsync(['keys', 'ceremony-record', '--messages', again.media, '--out', out]);
    expect(record.status).toBe(0);
    const parsed = parseKeyCeremony(json(out));
    if (!parsed.ok) throw new Error('record');
    expect(verifyCeremonyRecord(parsed.value).ok).toBe(true);
    expect(parsed.value.guardians.map((g) => g.guardianId)).toEqual(['guardian-1', 'guardian-2']);
  }, 300_000);
});

describe('after an honest exchange', () => {
  let room: CeremonyRoom;
  let backup: string;

  beforeAll(async () => {
    room = new CeremonyRoom(path.join(work, 'honest'), 3, 2, baseHash);
    for (const step of ['init', 'announce', 'share', 'receive'] as const)
      expect((await room.everyone(step)).map((r) => r.status)).toEqual([0, 0, 0]);
    // Guardian 3 keeps a copy of its own state (its own machine): enough to sign another transcript later.
    backup = path.join(work, 'guardian-3-backup');
    cpSync(room.machines[2]?.stateDir ?? '', backup, { recursive: true });
    expect((await room.everyone('accept')).map((r) => r.status)).toEqual([0, 0, 0]);
    expect(
      (await urnaAsync(['keys', 'ceremony-record', '--messages', room.media, '--out', path.join(work, 'honest.json')]))
        .status,
    ).toBe(0);
  }, 300_000);

  it('a guardian who accepted a different transcript stops the ceremony, named', async () => {
    const g3 = room.machines[2] as GuardianMachine;
    const own = ownGuardian(room, { ...g3, stateDir: backup });
    // guardian-3 was shown another announcement of guardian-1 (an equivocating guardian-1, or a swapped medium).
    const params = paramsOf(room);
    const shown = announcements(room);
    const other = createAnnouncement(
      params,
      'guardian-1' as GuardianId,
      1,
      [randomScalar(systemRandom), randomScalar(systemRandom)],
      randomScalar(systemRandom),
      systemRandom,
    );
    const acceptance = own.accept(ceremonyTranscriptHash(params, [other, ...shown.slice(1)]));
    const file = path.join(room.media, 'acceptance-guardian-3.json');
    const honest = readFileSync(file, 'utf8');
    writeFileSync(file, `${recordToCanonicalJson(ceremonyAcceptanceToRecord(acceptance))}\n`);
    const refused = await urnaAsync([
      'keys',
      'ceremony-record',
      '--messages',
      room.media,
      '--out',
      path.join(work, 'split.json'),
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('guardian-3 accepted a different transcript');
    writeFileSync(file, honest);
  });

  it('a false accusation does not check, and names the accuser', async () => {
    const share = parseShareMessage(json(path.join(room.media, 'share-guardian-2-to-guardian-3.json')));
    if (!share.ok) throw new Error('share');
    const forged = {
      accuser: 'guardian-3' as GuardianId,
      accused: 'guardian-2' as GuardianId,
      share: share.value,
      sharedSecret: GroupElement.of(GENERATOR),
      proof: { c: 1n, z: 2n },
    };
    expect(verifyComplaint(paramsOf(room), announcements(room), forged).ok).toBe(false);
    writeFileSync(
      path.join(room.media, 'complaint-guardian-3-against-guardian-2.json'),
      `${recordToCanonicalJson(shareComplaintToRecord(forged))}\n`,
    );
    const refused = await urnaAsync([
      'keys',
      'ceremony-record',
      '--messages',
      room.media,
      '--out',
      path.join(work, 'false.json'),
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('guardian-3 made a false accusation');
    expect(refused.stderr).toContain('start a new one without guardian-3');
    expect(readdirSync(work)).not.toContain('false.json');
  });
});
