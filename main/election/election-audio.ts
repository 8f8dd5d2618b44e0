/**
 * The audio ballot's clips on the station. Loading a package from removable media
 * checks every clip beside it against the signed manifest (core/audio/manifest.ts)
 * and copies them to `<data dir>/audio/`; the voter's screens then get clips only
 * through `getAudioClip`, which hands out a clip only if the loaded manifest names
 * it and its bytes still hash to that name.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIO_DIR, checkElectionAudio, clipFileName, type AudioManifest } from '../../core/audio/manifest';
import { toHex, type Bytes } from '../../core/encoding/bytes';
import { sha256 } from '../../core/encoding/hash';
import type { ElectionDefinition } from '../../core/election/definition';
import type { ElectionError } from '../../core/election/errors';

function readIfPresent(file: string): Bytes | undefined {
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
}

/** Every problem with the audio beside a package in `dir`: none means every clip is there and matches. */
export function checkAudioInFolder(dir: string, definition: ElectionDefinition): ElectionError[] {
  return checkElectionAudio(definition, (name) => readIfPresent(path.join(dir, name)));
}

/** Copies the checked clips from the media to the data folder (clips already there are kept: same name, same bytes). */
export function copyAudioClips(fromDir: string, dataDir: string, manifest: AudioManifest): void {
  mkdirSync(path.join(dataDir, AUDIO_DIR), { recursive: true, mode: 0o700 });
  for (const clip of manifest.clips) {
    const target = path.join(dataDir, clipFileName(clip));
    if (!existsSync(target)) copyFileSync(path.join(fromDir, clipFileName(clip)), target);
  }
}

/** A clip the loaded manifest names, read from the data folder and checked again; undefined otherwise. */
export function readAudioClip(
  dataDir: string,
  manifest: AudioManifest | undefined,
  clipSha256: string,
): Bytes | undefined {
  if (manifest === undefined || !manifest.clips.some((c) => c.sha256 === clipSha256)) return undefined;
  const bytes = readIfPresent(path.join(dataDir, clipFileName({ sha256: clipSha256 })));
  return bytes !== undefined && toHex(sha256(bytes)) === clipSha256 ? bytes : undefined;
}
