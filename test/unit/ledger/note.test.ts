import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64, utf8Encode } from '../../../core/encoding/bytes';
import type { ElectionId, StationId } from '../../../core/ids';
import {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  parseStationOrigin,
  signCheckpoint,
  stationKeyName,
  stationOrigin,
} from '../../../core/ledger/checkpoint';
import {
  addCosignature,
  cosign,
  cosignatureKeyId,
  cosignatureMessage,
  cosignatureNoteVerifier,
  ed25519Cosigner,
  verifyCosignature,
  verifyCosignedCheckpoint,
} from '../../../core/ledger/cosignature';
import { EMPTY_ROOT, leafHash } from '../../../core/ledger/merkle';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  noteVerifierFromKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyEd25519Strict,
  SIGNATURE_TYPE_ED25519,
} from '../../../core/ledger/note';

// The example key and note of golang.org/x/mod/sumdb/note, the reference implementation.
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const GO_NOTE = `${GO_TEXT}\n${GO_SIG}`;

const election = 'e2026' as ElectionId;
const station = 'st-042' as StationId;

function flipBitInString(text: string, bit: number): string {
  const bytes = utf8Encode(text);
  const i = Math.floor(bit / 8) % bytes.length;
  bytes[i] = (bytes[i] as number) ^ (1 << (bit % 8));
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

describe('signed notes against the Go reference vector', () => {
  it('parses the verifier and signer keys and reproduces the signature byte for byte', () => {
    const vkey = parseVerifierKey(GO_VKEY);
    expect(vkey.ok).toBe(true);
    const skey = parseSignerKey(GO_SKEY);
    if (!skey.ok || !vkey.ok) throw new Error('keys did not parse');
    expect(skey.value.keyId).toBe(0xc74f20a3);
    expect(toBase64(skey.value.publicKey)).toBe(toBase64(vkey.value.publicKey));
    expect(formatSignerKey(skey.value.name, SIGNATURE_TYPE_ED25519, skey.value.secretKey)).toBe(GO_SKEY);
    expect(formatVerifierKey(vkey.value.name, SIGNATURE_TYPE_ED25519, vkey.value.publicKey)).toBe(GO_VKEY);
    const signer = ed25519NoteSigner(skey.value.name, skey.value.secretKey);
    expect(signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
  });

  it('opens the note under the verifier key', () => {
    const verifier = noteVerifierFromKey(GO_VKEY);
    if (!verifier.ok) throw new Error('vkey did not parse');
    const opened = openNote(GO_NOTE, [verifier.value]);
    expect(opened.ok && opened.value.text).toBe(GO_TEXT);
  });

  it('refuses mangled verifier keys', () => {
    for (const bad of [
      GO_VKEY.replace('c74f20a3', 'c74f20a4'),
      GO_VKEY.replace('c74f20a3', 'C74F20A3'),
      GO_VKEY.replace('PeterNeumann', 'Peter Neumann'),
      `${GO_VKEY}+extra`,
      `x+${GO_VKEY}`,
      GO_VKEY.slice(0, -1),
      GO_VKEY.replace('+ARpc', '+AhRpc'),
    ]) {
      expect(parseVerifierKey(bad).ok, bad).toBe(false);
    }
  });

  it('ignores unknown keys, rejects a bad known signature, needs one verified signature', () => {
    const verifier = noteVerifierFromKey(GO_VKEY);
    if (!verifier.ok) throw new Error('vkey did not parse');
    const other = ed25519NoteSigner('other.example/key', ed25519.utils.randomSecretKey());
    const both = `${GO_NOTE}${signNote(GO_TEXT, [other]).slice(GO_TEXT.length + 1)}`;
    expect(openNote(both, [verifier.value]).ok).toBe(true);
    const onlyOther = openNote(signNote(GO_TEXT, [other]), [verifier.value]);
    expect(onlyOther.ok || onlyOther.error.kind).toBe('no-verified-signature');
    // Same name and key id, wrong signature: the whole note is rejected.
    const forged = `${GO_TEXT}\n— PeterNeumann ${toBase64(Uint8Array.of(0xc7, 0x4f, 0x20, 0xa3, ...new Uint8Array(64)))}\n`;
    const result = openNote(forged, [verifier.value]);
    expect(result.ok || result.error.kind).toBe('bad-signature');
  });

  it('rejects malformed notes with a typed error', () => {
    const cases = [
      GO_TEXT, // no signatures
      `${GO_TEXT}\n`, // blank line but no signature lines
      GO_NOTE.slice(0, -1), // signature line not newline-terminated
      GO_NOTE.replace('— ', '-- '),
      GO_NOTE.replace('problem,\n', 'problem,\r\n'),
      GO_NOTE.replace('x08go', 'x08go '),
      GO_NOTE.replace('AM=\n', 'AM\n'),
      GO_NOTE.replace('— PeterNeumann', '— Peter+Neumann'),
      `${GO_TEXT}\n${GO_SIG.repeat(101)}`,
    ];
    for (const bad of cases) {
      const parsed = parseNote(bad);
      expect(parsed.ok, JSON.stringify(bad)).toBe(false);
      if (!parsed.ok) expect(parsed.error.kind).toBe('malformed-note');
    }
    expect(parseNote(Uint8Array.of(0xff, 0x0a, 0x0a)).ok).toBe(false);
  });

  it('any flipped bit in the note fails to open', () => {
    const verifier = noteVerifierFromKey(GO_VKEY);
    if (!verifier.ok) throw new Error('vkey did not parse');
    fc.assert(
      fc.property(fc.nat(utf8Encode(GO_NOTE).length * 8 - 1), (bit) => {
        expect(openNote(flipBitInString(GO_NOTE, bit), [verifier.value]).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('verifies Ed25519 strictly: a non-canonical S is refused', () => {
    const skey = parseSignerKey(GO_SKEY);
    if (!skey.ok) throw new Error('skey did not parse');
    const message = utf8Encode(GO_TEXT);
    const sig = ed25519.sign(message, skey.value.secretKey);
    expect(verifyEd25519Strict(skey.value.publicKey, message, sig)).toBe(true);
    // S + L encodes the same scalar; RFC 8032 requires S < L.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i] as number);
    const high = s + L;
    const malleable = Uint8Array.from(sig);
    for (let i = 0; i < 32; i++) malleable[32 + i] = Number((high >> BigInt(8 * i)) & 0xffn);
    if (high < 2n ** 256n) expect(verifyEd25519Strict(skey.value.publicKey, message, malleable)).toBe(false);
  });
});

describe('checkpoints', () => {
  const signer = ed25519NoteSigner(stationKeyName(election, station), ed25519.utils.randomSecretKey());
  const verifier = ed25519NoteVerifier(signer.name, signer.publicKey);
  const origin = stationOrigin(election, station, 'ballots');
  const root = leafHash(utf8Encode('x'));

  it('formats the C2SP body with Urna origin lines', () => {
    expect(origin).toBe('urna/e2026/st-042/ballots');
    expect(parseStationOrigin(origin)).toEqual({ electionId: election, stationId: station, log: 'ballots' });
    expect(parseStationOrigin('urna/e2026/st-042/other')).toBeUndefined();
    const body = formatCheckpoint({ origin, size: 7, rootHash: root, extensions: [] });
    expect(body).toBe(`urna/e2026/st-042/ballots\n7\n${toBase64(root)}\n`);
    expect(formatCheckpoint({ origin, size: 0, rootHash: EMPTY_ROOT, extensions: ['ext one'] })).toBe(
      `urna/e2026/st-042/ballots\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n`,
    );
  });

  it('parses strictly', () => {
    const b64 = toBase64(root);
    expect(parseCheckpoint(`${origin}\n7\n${b64}\nextension\n`).ok).toBe(true);
    for (const bad of [
      `${origin}\n07\n${b64}\n`,
      `${origin}\n-1\n${b64}\n`,
      `${origin}\n7\n${b64}`,
      `${origin}\n7\n${b64}\n\n`,
      `${origin}\n7\n${b64.slice(0, -1)}\n`,
      `${origin}\n7\n${toBase64(root.subarray(1))}\n`,
      `\n7\n${b64}\n`,
      `${origin}\n7\n`,
      `${origin}\n99999999999999999999\n${b64}\n`,
    ]) {
      expect(parseCheckpoint(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('signs, opens, and refuses any flipped bit or the wrong origin', () => {
    const signed = signCheckpoint({ origin, size: 7, rootHash: root, extensions: [] }, signer);
    const opened = openCheckpoint(signed, [verifier], origin);
    expect(opened.ok && opened.value.checkpoint.size).toBe(7);
    const wrong = openCheckpoint(signed, [verifier], stationOrigin(election, station, 'pollbook'));
    expect(wrong.ok || wrong.error.kind).toBe('wrong-origin');
    fc.assert(
      fc.property(fc.nat(utf8Encode(signed).length * 8 - 1), (bit) => {
        expect(openCheckpoint(flipBitInString(signed, bit), [verifier], origin).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cosignatures (cosignature/v1)', () => {
  const stationSigner = ed25519NoteSigner(stationKeyName(election, station), ed25519.utils.randomSecretKey());
  const witness = ed25519Cosigner('validator.example/commission', ed25519.utils.randomSecretKey());
  const body = formatCheckpoint({
    origin: stationOrigin(election, station, 'ballots'),
    size: 3,
    rootHash: leafHash(utf8Encode('y')),
    extensions: [],
  });

  it('signs the spec message with a type-0x04 key id and a big-endian timestamp', () => {
    expect(new TextDecoder().decode(cosignatureMessage(body, 1679315147))).toBe(
      `cosignature/v1\ntime 1679315147\n${body}`,
    );
    const sig = cosign(body, witness, 1679315147);
    expect(sig.keyId).toBe(cosignatureKeyId(witness.name, witness.publicKey));
    expect(sig.signature.length).toBe(72);
    expect(Array.from(sig.signature.subarray(0, 8))).toEqual([0, 0, 0, 0, 0x64, 0x18, 0x50, 0xcb]);
    expect(ed25519.verify(sig.signature.subarray(8), cosignatureMessage(body, 1679315147), witness.publicKey)).toBe(
      true,
    );
    const verified = verifyCosignature(body, sig, witness.name, witness.publicKey);
    expect(verified.ok && verified.value.timestamp).toBe(1679315147);
    // The key id differs from a note (0x01) key id over the same key and name.
    expect(sig.keyId).not.toBe(ed25519NoteVerifier(witness.name, witness.publicKey).keyId);
    expect(formatVerifierKey(witness.name, 0x04, witness.publicKey)).toMatch(
      /^validator\.example\/commission\+[0-9a-f]{8}\+B/,
    );
  });

  it('cosigned checkpoints verify as one note; any flipped bit fails', () => {
    const signed = signNote(body, [stationSigner]);
    const cosigned = addCosignature(signed, witness, 1700000000);
    if (!cosigned.ok) throw new Error('cosign failed');
    const verifiers = [
      ed25519NoteVerifier(stationSigner.name, stationSigner.publicKey),
      cosignatureNoteVerifier(witness.name, witness.publicKey),
    ];
    const opened = openNote(cosigned.value, verifiers);
    expect(opened.ok && opened.value.verifiedBy.length).toBe(2);
    const cosigs = verifyCosignedCheckpoint(cosigned.value, [witness]);
    expect(cosigs.ok && cosigs.value).toEqual([{ name: witness.name, keyId: witness.keyId, timestamp: 1700000000 }]);
    const cosigLineStart = utf8Encode(signed).length * 8;
    fc.assert(
      fc.property(fc.nat(utf8Encode(cosigned.value).length * 8 - 1 - cosigLineStart), (offset) => {
        const mangled = flipBitInString(cosigned.value, cosigLineStart + offset);
        const result = verifyCosignedCheckpoint(mangled, [witness]);
        // Either the line no longer names this witness (then no cosignature is found) or it fails.
        expect(result.ok && result.value.length === 1).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
