/**
 * `urna log export` output checked by an independent C2SP verifier written here
 * with node:crypto only (no Urna code): leaf hashes of entries.jsonl give the
 * checkpoint root, and the note signature verifies under station.vkey.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/urna';
import { tempDir } from './helpers';

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 MTH, recursively from leaf data. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

type Vkey = { name: string; keyId: Buffer; key: KeyObject };

function parseVkey(text: string): Vkey {
  // <name>+<key id hex>+<base64>: the base64 may itself contain '+'.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const b64 = text.slice(second + 1);
  const material = Buffer.from(b64, 'base64');
  expect(material[0]).toBe(0x01);
  const raw = material.subarray(1);
  expect(raw.length).toBe(32);
  const keyId = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), raw).subarray(0, 4);
  expect(keyId.toString('hex')).toBe(idHex);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { name, keyId, key };
}

/** Verifies a signed checkpoint note; returns (origin, size, root). */
function openCheckpointNote(note: string, vkey: Vkey): { origin: string; size: number; root: Buffer } {
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l.length > 0);
  const mine = lines.find((l) => l.startsWith(`— ${vkey.name} `));
  if (mine === undefined) throw new Error('no signature by the station');
  const sig = Buffer.from(mine.slice(`— ${vkey.name} `.length), 'base64');
  expect(sig.subarray(0, 4).equals(vkey.keyId)).toBe(true);
  const valid = verify(null, Buffer.from(text, 'utf8'), vkey.key, sig.subarray(4));
  if (!valid) throw new Error('checkpoint signature does not verify');
  const [origin, size, root] = text.split('\n') as [string, string, string];
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

describe('urna log export', () => {
  const scratch = tempDir('export');
  afterAll(() => scratch.cleanup());
  const station = path.join(scratch.dir, 'station');
  const record = path.join(scratch.dir, 'record');

  it('writes files that an independent C2SP verifier accepts', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(
        await main([
          'node',
          'urna',
          'log',
          'demo',
          '--entries',
          '57',
          '--pollbook-entries',
          '9',
          '--batch',
          '10',
          '--dir',
          station,
          '--election',
          'e2026',
          '--station',
          'st-7',
        ]),
      ).toBe(0);
      expect(
        await main([
          'node',
          'urna',
          'log',
          'demo',
          '--entries',
          '3',
          '--pollbook-entries',
          '0',
          '--batch',
          '1',
          '--dir',
          station,
          '--election',
          'e2026',
          '--station',
          'st-7',
        ]),
      ).toBe(0);
      expect(await main(['node', 'urna', 'log', 'verify', '--dir', station])).toBe(0);
      expect(await main(['node', 'urna', 'log', 'export', '--dir', station, '--out', record])).toBe(0);
    } finally {
      stdout.mockRestore();
    }
    const dir = path.join(record, 'stations', 'st-7');
    const vkey = parseVkey(readFileSync(path.join(dir, 'station.vkey'), 'utf8').trimEnd());
    expect(vkey.name).toBe('urna/e2026/st-7');

    const ballots = openCheckpointNote(readFileSync(path.join(dir, 'ballots', 'checkpoint'), 'utf8'), vkey);
    expect(ballots.origin).toBe('urna/e2026/st-7/ballots');
    const jsonl = readFileSync(path.join(dir, 'ballots', 'entries.jsonl'), 'utf8');
    expect(jsonl.endsWith('\n')).toBe(true);
    const lines = jsonl
      .slice(0, -1)
      .split('\n')
      .map((l) => Buffer.from(l, 'utf8'));
    expect(lines.length).toBe(60);
    expect(ballots.size).toBe(60);
    expect(mth(lines).equals(ballots.root)).toBe(true);
    // One changed byte in one line no longer gives the signed root.
    const edited = lines.map((l, i) => (i === 31 ? Buffer.from(l.toString().replace('31', '32')) : l));
    expect(mth(edited).equals(ballots.root)).toBe(false);

    const pollbook = openCheckpointNote(readFileSync(path.join(dir, 'pollbook', 'checkpoint'), 'utf8'), vkey);
    expect(pollbook.origin).toBe('urna/e2026/st-7/pollbook');
    expect(pollbook.size).toBe(9);
    expect(existsSync(path.join(dir, 'pollbook', 'entries.jsonl'))).toBe(false);
  });

  it('writes poll-book entries only when asked for an official export', async () => {
    const official = path.join(scratch.dir, 'official');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(
        await main([
          'node',
          'urna',
          'log',
          'export',
          '--dir',
          station,
          '--out',
          official,
          '--include-pollbook-entries',
        ]),
      ).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const dir = path.join(official, 'stations', 'st-7');
    const vkey = parseVkey(readFileSync(path.join(dir, 'station.vkey'), 'utf8').trimEnd());
    const pollbook = openCheckpointNote(readFileSync(path.join(dir, 'pollbook', 'checkpoint'), 'utf8'), vkey);
    const lines = readFileSync(path.join(dir, 'pollbook', 'entries.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => Buffer.from(l));
    expect(mth(lines).equals(pollbook.root)).toBe(true);
  });
});
