import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkLayers, LAYER_IMPORTS } from '../../../scripts/check-layers';

const fixture = path.resolve('test/fixtures/layers-bad');

describe('layer check', () => {
  it('passes on the real tree', () => {
    expect(checkLayers(path.resolve('.'))).toEqual([]);
  });

  it('fails on the fixture, naming every crossing', () => {
    const found = checkLayers(fixture)
      .map((v) => `${v.file} -> ${v.specifier}`)
      .sort();
    expect(found).toEqual(
      [
        'core/opens-db.ts -> better-sqlite3',
        'core/reads-disk.ts -> node:fs',
        'main/station/uses-electron.ts -> electron',
        'preload/index.ts -> zod',
        'renderer/Printer.svelte -> ../hardware/printer',
        'renderer/leak.ts -> ../main/station/keys',
        'storage/opens-window.ts -> ../main/station/keys',
        'storage/opens-window.ts -> electron',
        'validator/reaches-main.ts -> ../main/station/keys',
      ].sort(),
    );
  });

  it('is the table docs/ARCHITECTURE.md shows: a row per layer naming every layer it may import', () => {
    const rows = new Map(
      readFileSync('docs/ARCHITECTURE.md', 'utf8')
        .split('\n')
        .map((line) => /^\| `([a-z]+)\/` \|.*\| ([^|]+) \|$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect([...rows.keys()].sort()).toEqual(Object.keys(LAYER_IMPORTS).sort());
    for (const [layer, allowed] of Object.entries(LAYER_IMPORTS)) {
      for (const target of allowed) {
        const mayImport = rows.get(layer) ?? '';
        expect(
          mayImport.includes(`\`${target}/\``) || mayImport.startsWith('everything'),
          `${layer}/ may import ${target}/`,
        ).toBe(true);
      }
    }
  });

  it('names the layers a layer may reach when it reaches another', () => {
    const storage = checkLayers(fixture).filter((v) => v.file.startsWith('storage'));
    expect(storage.map((v) => v.rule).sort()).toEqual([
      'storage/ may import core/ (this reaches main/)',
      'storage/ uses only Node and better-sqlite3',
    ]);
  });

  it('lets the preload import types (erased at build) but nothing else', () => {
    const preload = checkLayers(fixture).filter((v) => v.file.startsWith('preload'));
    expect(preload.map((v) => v.specifier)).toEqual(['zod']);
  });

  it('refuses DOM globals in core/ through the pure core compiler options', () => {
    // tsconfig.core.json has lib ES2023 only and no @types: the DOM does not exist there.
    const config = ts.readConfigFile(path.resolve('tsconfig.core.json'), (f) => ts.sys.readFile(f));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.resolve('.'));
    const file = path.join(fixture, 'core/uses-dom.ts');
    const program = ts.createProgram([file], parsed.options);
    const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages.some((m) => m.includes("Cannot find name 'document'"))).toBe(true);
  });
});
