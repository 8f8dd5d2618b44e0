import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A record folder, file by file: paths relative to the folder with "/", contents as text. */
export function readRecordFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return out;
}
