/**
 * The audio ballot's clips on the station. Loading a package from removable media
 * checks every clip beside it against the signed manifest (core/audio/manifest.ts)
 * and copies them to `<data dir>/audio/`; the voter's screens then get clips only
 * through `getAudioClip`, which hands out a clip only if the loaded manifest names
 * it and its bytes still hash to that name.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIO_DIR, checkElectionAudio, clipFileName, type AudioManifest } from '../../core/audio/manifest';
import type { Bytes } from '../../core/encoding/bytes';
import type { ElectionDefinition } from '../../core/election/definition';
import type { ElectionError } from '../../core/election/errors';

function readIfPresent(file: string): Bytes | undefined {
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
}

/** SHA-256 as hex with Node's native hash: megabytes of clips are checked at every load. */
export function nodeSha256Hex(bytes: Bytes): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every problem with the audio beside a package in `dir` (`audio/<hash>.wav`, or
 * with `flat`, the clips directly in `dir` as assets/sample-audio/ holds them):
 * none means every clip is there and matches.
 */
export function checkAudioInFolder(dir: string, definition: ElectionDefinition, flat = false): ElectionError[] {
  return checkElectionAudio(
    definition,
    (name) => readIfPresent(path.join(dir, flat ? path.basename(name) : name)),
    nodeSha256Hex,
  );
}

/**
 * Copies the checked clips from beside a package (`audio/<hash>.wav`, or the clips
 * flat in `fromDir`, as assets/sample-audio/ holds them) to `toDir/audio/`. Clips
 * already there are kept: same name, same bytes.
 */
export function copyAudioClips(fromDir: string, toDir: string, manifest: AudioManifest): void {
  mkdirSync(path.join(toDir, AUDIO_DIR), { recursive: true, mode: 0o700 });
  for (const clip of manifest.clips) {
    const target = path.join(toDir, clipFileName(clip));
    if (existsSync(target)) continue;
    const beside = path.join(fromDir, clipFileName(clip));
    copyFileSync(existsSync(beside) ? beside : path.join(fromDir, `${clip.sha256}.wav`), target);
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
  return bytes !== undefined && nodeSha256Hex(bytes) === clipSha256 ? bytes : undefined;
}
