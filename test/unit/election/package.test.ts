import { describe, expect, it } from 'vitest';
import type { ElectionDefinition } from '../../../core/election/definition';
import { describeElectionErrors } from '../../../core/election/errors';
import {
  electionBaseHash,
  electionPackageNoteText,
  formatBaseHashForDisplay,
  readElectionPackage,
  serializeElectionPackage,
  signElectionPackage,
  verifyElectionPackage,
} from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { toHex, utf8Encode } from '../../../core/encoding/bytes';
import { SIGNATURE_TYPE_ED25519, formatVerifierKey, signNote } from '../../../core/ledger/note';
import { authoritySigner, testSampleKeys } from './sample-keys';

const authority = authoritySigner('sample/authority');
const authorityKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);

function sample(): ElectionDefinition {
  const made = sampleElectionDefinition(testSampleKeys('sample'));
  if (!made.ok) throw new Error('sample invalid');
  return made.value;
}

function signedText(definition = sample()): string {
  const pkg = signElectionPackage(definition, authority);
  if (!pkg.ok) throw new Error(pkg.error.map((e) => e.message.en).join('\n'));
  return serializeElectionPackage(pkg.value);
}

function refusal(text: string | Uint8Array, key: string = authorityKey) {
  const result = readElectionPackage(typeof text === 'string' ? utf8Encode(text) : text, { authorityKey: key });
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.error;
}

describe('a signed election package', () => {
  it('verifies under the pinned key and under the key it names', () => {
    const text = signedText();
    for (const trust of [{ authorityKey }, { authorityKey: 'self' as const }]) {
      const read = readElectionPackage(utf8Encode(text), trust);
      expect(read.ok).toBe(true);
      if (read.ok) expect(toHex(read.value.baseHash)).toBe(toHex(electionBaseHash(sample())));
    }
  });

  it('is refused after any flipped byte', () => {
    const text = signedText();
    const bytes = utf8Encode(text);
    // Every byte of the signature, and a spread of positions across the definition.
    const signatureStart = text.indexOf('"authoritySignature"');
    const positions = new Set<number>();
    for (let i = utf8Encode(text.slice(0, signatureStart)).length; i < bytes.length; i++) positions.add(i);
    for (let i = 0; i < signatureStart; i += 37) positions.add(i);
    let refused = 0;
    for (const position of positions) {
      const flipped = Uint8Array.from(bytes);
      flipped[position] = (flipped[position] ?? 0) ^ 0x01;
      const read = readElectionPackage(flipped, { authorityKey });
      expect(read.ok, `flipped byte ${position}`).toBe(false);
      if (!read.ok) {
        refused += 1;
        expect(read.error.length).toBeGreaterThan(0);
      }
    }
    expect(refused).toBe(positions.size);
  });

  it('is refused when a definition field is changed and the old signature kept', () => {
    const pkg = JSON.parse(signedText()) as { definition: { title: { en: string } } };
    pkg.definition.title.en = 'A different election';
    const errors = refusal(JSON.stringify(pkg));
    expect(errors.map((e) => [e.path, e.code])).toEqual([['authoritySignature', 'hash-mismatch']]);
  });

  it('names both base hashes in the one encoding printed for people (hex in groups of four)', () => {
    const pkg = JSON.parse(signedText()) as { definition: ElectionDefinition };
    const signedHash = formatBaseHashForDisplay(electionBaseHash(pkg.definition));
    pkg.definition.title.en = 'A different election';
    const message = describeElectionErrors(refusal(JSON.stringify(pkg)), 'en');
    expect(message).toContain(`base hash ${signedHash}`);
    expect(message).toContain(formatBaseHashForDisplay(electionBaseHash(pkg.definition)));
  });

  it('is refused when signed by another key', () => {
    const impostor = authoritySigner('impostor');
    const impostorKey = formatVerifierKey(impostor.name, SIGNATURE_TYPE_ED25519, impostor.publicKey);
    // The impostor signs the genuine definition (which names the real authority)...
    const def = sample();
    const forged = {
      format: 'urna/election-package/v1',
      definition: def,
      authoritySignature: signNote(electionPackageNoteText(def.electionId, electionBaseHash(def)), [impostor]),
    };
    expect(refusal(JSON.stringify(forged)).map((e) => e.code)).toEqual(['not-signed-by-authority']);
    // ...or names itself as the authority: then the pinned key does not match.
    const own = JSON.parse(JSON.stringify(def)) as ElectionDefinition & { authority: { verifierKey: string } };
    own.authority.verifierKey = impostorKey;
    const selfSigned = signElectionPackage(own, impostor);
    expect(selfSigned.ok).toBe(true);
    if (!selfSigned.ok) return;
    expect(refusal(serializeElectionPackage(selfSigned.value)).map((e) => e.code)).toEqual(['authority-key-mismatch']);
  });

  it('refuses to sign with a key other than the authority the definition names', () => {
    const signed = signElectionPackage(sample(), authoritySigner('impostor'));
    expect(signed.ok).toBe(false);
    if (!signed.ok) expect(signed.error[0]?.code).toBe('authority-key-mismatch');
  });

  it('is refused with its signature stripped', () => {
    const pkg = JSON.parse(signedText()) as Record<string, unknown>;
    const note = pkg.authoritySignature as string;
    const withoutField = { ...pkg };
    delete withoutField.authoritySignature;
    expect(refusal(JSON.stringify(withoutField)).map((e) => [e.path, e.code])).toEqual([
      ['authoritySignature', 'not-signed'],
    ]);
    expect(refusal(JSON.stringify({ ...pkg, authoritySignature: '' })).map((e) => e.code)).toEqual(['not-signed']);
    const textOnly = note.slice(0, note.indexOf('\n\n') + 1);
    expect(refusal(JSON.stringify({ ...pkg, authoritySignature: textOnly })).map((e) => e.code)).toEqual([
      'malformed-note',
    ]);
    const blankSignatures = `${textOnly}\n`;
    expect(refusal(JSON.stringify({ ...pkg, authoritySignature: blankSignatures })).map((e) => e.code)).toEqual([
      'malformed-note',
    ]);
  });

  it('is refused when the signature speaks of another election', () => {
    const def = sample();
    const pkg = {
      format: 'urna/election-package/v1',
      definition: def,
      authoritySignature: signNote(electionPackageNoteText('moscow-2019' as never, electionBaseHash(def)), [authority]),
    };
    expect(refusal(JSON.stringify(pkg)).map((e) => e.code)).toEqual(['election-mismatch']);
  });

  it('refuses files that are not packages, with a reason', () => {
    expect(refusal('{').map((e) => e.code)).toEqual(['not-json']);
    expect(refusal(Uint8Array.of(0xff, 0xfe)).map((e) => e.code)).toEqual(['not-json']);
    expect(refusal('[]').map((e) => e.code)).toEqual(['wrong-type']);
    expect(refusal(new Uint8Array(5 * 1024 * 1024)).map((e) => e.code)).toEqual(['package-too-large']);
    const pkg = JSON.parse(signedText()) as Record<string, unknown>;
    expect(refusal(JSON.stringify({ ...pkg, extra: 1 })).map((e) => [e.path, e.code])).toEqual([
      ['extra', 'unknown-field'],
    ]);
    const broken = { ...pkg, definition: { ...(pkg.definition as object), date: 'tomorrow' } };
    expect(refusal(JSON.stringify(broken)).map((e) => [e.path, e.code])).toEqual([['definition.date', 'bad-date']]);
    expect(verifyElectionPackage({ ...pkg, format: 'v0' }, { authorityKey }).ok).toBe(false);
  });
});
