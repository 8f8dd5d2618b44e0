/**
 * Comments point at documents a clone of the repository has (docs/, the README),
 * never at a team's working notes outside it or at issue-tracker numbers, which
 * mean nothing to a reader of the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = [
  'core',
  'storage',
  'hardware',
  'main',
  'preload',
  'renderer',
  'validator',
  'cli',
  'test',
  'bench',
  'scripts',
  'docs',
  'README.md',
];
const SKIP = new Set(['node_modules', 'fixtures', 'vectors', 'dist']);

function files(entry: string, out: string[] = []): string[] {
  if (statSync(entry).isFile()) {
    if (/\.(ts|mts|mjs|js|svelte|md|sql)$/.test(entry)) out.push(entry);
    return out;
  }
  for (const name of readdirSync(entry)) if (!SKIP.has(name)) files(path.join(entry, name), out);
  return out;
}

// Built from parts so that this file does not match itself.
const FORBIDDEN: readonly [string, RegExp][] = [
  ['a working note outside the repository', new RegExp(['DESIGN', '\\.md'].join(''))],
  ['a folder outside the repository', new RegExp(['\\.\\./', 'shared\\b'].join(''))],
  ['an issue number', new RegExp(['\\b[Ii]ssues? #?', '\\d+\\b'].join(''))],
];

describe('pointers in comments and docs', () => {
  it('point only inside the repository, and at no issue numbers', () => {
    const found: string[] = [];
    for (const file of ROOTS.flatMap((root) => files(root))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN)
            if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
