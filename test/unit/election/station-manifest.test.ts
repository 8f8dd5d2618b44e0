/**
 * The authority's station manifest and not-operated statements: signed by the key the
 * package names, bound to its election id and base hash, and nothing in the file but
 * the signed note counts.
 */
import { describe, expect, it } from 'vitest';
import { electionBaseHash } from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import {
  signNotOperated,
  signStationManifest,
  verifyNotOperated,
  verifyStationManifest,
  type ListedStation,
} from '../../../core/election/station-manifest';
import type { PrecinctId, StationId } from '../../../core/ids';
import { formatVerifierKey, SIGNATURE_TYPE_ED25519 } from '../../../core/ledger/note';
import { authoritySigner, testSampleKeys } from './sample-keys';

const definition = (() => {
  const d = sampleElectionDefinition(testSampleKeys());
  if (!d.ok) throw new Error('sample');
  return d.value;
})();
const trust = { definition, baseHash: electionBaseHash(definition) };
const authority = authoritySigner('sample/authority');
const station = (id: string, precinct = 'uik-1201'): ListedStation => {
  const key = authoritySigner(`station/${id}`);
  return {
    stationId: id as StationId,
    precinctId: precinct as PrecinctId,
    verifierKey: formatVerifierKey(`urna/${definition.electionId}/${id}`, SIGNATURE_TYPE_ED25519, key.publicKey),
  };
};

describe('the station manifest', () => {
  it('round-trips, sorted by station id, with its version and whether it is final', () => {
    const signed = signStationManifest(
      { manifestVersion: 3, final: false, stations: [station('s-2', 'uik-1202'), station('s-1')] },
      authority,
      trust,
    );
    if (!signed.ok) throw new Error(signed.error);
    const opened = verifyStationManifest(signed.value, trust);
    expect(opened.ok && opened.value.manifestVersion).toBe(3);
    expect(opened.ok && opened.value.final).toBe(false);
    expect(opened.ok && opened.value.stations.map((s) => `${s.stationId}@${s.precinctId}`)).toEqual([
      's-1@uik-1201',
      's-2@uik-1202',
    ]);
  });

  it('refuses what it must not sign: a station twice, an unknown precinct, an empty list, version 0', () => {
    expect(
      signStationManifest(
        { manifestVersion: 1, final: true, stations: [station('s-1'), station('s-1')] },
        authority,
        trust,
      ),
    ).toEqual({ ok: false, error: 'station s-1 is listed twice or out of order' });
    expect(
      signStationManifest({ manifestVersion: 1, final: true, stations: [station('s-1', 'uik-9')] }, authority, trust),
    ).toEqual({ ok: false, error: 'station s-1: precinct uik-9 is not in the election' });
    expect(signStationManifest({ manifestVersion: 1, final: true, stations: [] }, authority, trust)).toEqual({
      ok: false,
      error: 'it lists no station',
    });
    expect(
      signStationManifest({ manifestVersion: 0, final: true, stations: [station('s-1')] }, authority, trust).ok,
    ).toBe(false);
  });

  it('is refused when signed by another key, edited after signing, or for another package', () => {
    const signed = signStationManifest(
      { manifestVersion: 1, final: true, stations: [station('s-1'), station('s-2')] },
      authority,
      trust,
    );
    if (!signed.ok) throw new Error(signed.error);
    const impostor = signStationManifest(
      { manifestVersion: 1, final: true, stations: [station('s-1')] },
      authoritySigner('impostor'),
      trust,
    );
    if (!impostor.ok) throw new Error(impostor.error);
    const byImpostor = verifyStationManifest(impostor.value, trust);
    expect(!byImpostor.ok && byImpostor.error).toContain('not signed by the election authority');
    const edited = verifyStationManifest(
      { ...signed.value, note: signed.value.note.replace(/station s-2 .*\n/, '') },
      trust,
    );
    expect(!edited.ok && edited.error).toContain('not signed by the election authority');
    // An earlier list cannot be passed off as the final one.
    const early = signStationManifest(
      { manifestVersion: 1, final: false, stations: [station('s-1')] },
      authority,
      trust,
    );
    if (!early.ok) throw new Error(early.error);
    const promoted = verifyStationManifest(
      { ...early.value, note: early.value.note.replace('final no', 'final yes') },
      trust,
    );
    expect(!promoted.ok && promoted.error).toContain('not signed by the election authority');
    const other = verifyStationManifest(signed.value, { definition, baseHash: new Uint8Array(32) });
    expect(other).toEqual({ ok: false, error: "its base hash is not this election package's" });
    expect(verifyStationManifest({ ...signed.value, stations: ['s-3'] }, trust)).toEqual({
      ok: false,
      error: 'unknown field(s): stations',
    });
  });
});

describe('the not-operated statement', () => {
  it('names one station of this package, signed by the authority', () => {
    const signed = signNotOperated('s-7' as StationId, authority, trust);
    if (!signed.ok) throw new Error(signed.error);
    const opened = verifyNotOperated(signed.value, trust);
    expect(opened.ok && opened.value.stationId).toBe('s-7');
    expect(verifyNotOperated(signed.value, { definition, baseHash: new Uint8Array(32) })).toEqual({
      ok: false,
      error: "its base hash is not this election package's",
    });
    const forged = signNotOperated('s-7' as StationId, authoritySigner('impostor'), trust);
    if (!forged.ok) throw new Error(forged.error);
    expect(verifyNotOperated(forged.value, trust).ok).toBe(false);
    // A manifest is not a statement, nor the other way round.
    const manifest = signStationManifest(
      { manifestVersion: 1, final: true, stations: [station('s-1')] },
      authority,
      trust,
    );
    if (!manifest.ok) throw new Error(manifest.error);
    expect(verifyNotOperated(manifest.value, trust).ok).toBe(false);
    expect(verifyStationManifest(signed.value, trust).ok).toBe(false);
  });
});
