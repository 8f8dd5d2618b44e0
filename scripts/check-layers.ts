/**
 * The layer check (docs/ARCHITECTURE.md, Layers): which folder may import what. It parses
 * every TypeScript and Svelte file with the TypeScript compiler, collects static
 * imports, re-exports, dynamic import() and require(), and fails on any import
 * that crosses a forbidden line. `npm run lint` runs it on the tree; a test runs
 * it on a fixture that must fail.
 *
 * Usage: node --import tsx scripts/check-layers.ts [ROOT]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type LayerViolation = { readonly file: string; readonly specifier: string; readonly rule: string };

type Layer = 'core' | 'renderer' | 'preload' | 'hardware' | 'storage' | 'main' | 'validator' | 'cli';

/**
 * The layer table: the one statement of which folder may import which
 * (docs/ARCHITECTURE.md describes it in prose). `imports`
 * lists the other layers a layer's relative imports may reach; the package rules
 * are in `checkImport` below. ESLint has no copy of these rules: `npm run lint`
 * runs this script.
 */
export const LAYER_IMPORTS: Readonly<Record<Layer, readonly Layer[]>> = {
  core: [],
  renderer: ['core'],
  preload: [],
  hardware: ['core'],
  storage: ['core'],
  main: ['core', 'hardware', 'storage'],
  validator: ['core', 'storage'],
  cli: ['core', 'hardware', 'storage', 'main', 'validator'],
};
const LAYERS = Object.keys(LAYER_IMPORTS) as Layer[];

/** Packages core/ may use: pure code with no platform access of its own. */
const PURE_PACKAGES = ['zod', '@noble/curves', '@noble/hashes', '@scure/base'];
const PLATFORM_PACKAGES = [
  'electron',
  'better-sqlite3',
  'postgres',
  'serialport',
  '@serialport',
  '@napi-rs/canvas',
  'fastify',
];

type ImportRef = { readonly specifier: string; readonly typeOnly: boolean };

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));
}

function scriptText(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.svelte')) return text;
  // A Svelte component's imports live in its <script> blocks.
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '').join('\n');
}

export function collectImports(file: string): ImportRef[] {
  const source = ts.createSourceFile(file, scriptText(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isDynamicImport || isRequire) && arg) {
        // A computed specifier cannot be checked, so it is itself a violation.
        refs.push({ specifier: ts.isStringLiteralLike(arg) ? arg.text : '<computed>', typeOnly: false });
      }
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function layerOfPath(root: string, absolute: string): Layer | null {
  const first = path.relative(root, absolute).split(path.sep)[0];
  return LAYERS.find((layer) => layer === first) ?? null;
}

function checkImport(root: string, file: string, layer: Layer, ref: ImportRef): string | null {
  const { specifier, typeOnly } = ref;
  if (specifier === '<computed>') return 'imports must name a literal module';
  const relative = specifier.startsWith('.');
  const target = relative ? layerOfPath(root, path.resolve(path.dirname(file), specifier)) : null;
  const local = path.relative(root, file).split(path.sep).slice(1).join('/');
  // The preload is bundled alone; a type-only import is erased at build time and leaves no trace in it.
  if (layer === 'preload' && typeOnly) return null;
  if (relative && target !== null && target !== layer && !LAYER_IMPORTS[layer].includes(target)) {
    const allowed = LAYER_IMPORTS[layer];
    return `${layer}/ may import ${allowed.length === 0 ? 'no other layer' : allowed.map((l) => `${l}/`).join(', ')} (this reaches ${target}/)`;
  }
  switch (layer) {
    case 'core':
      if (relative) return target === 'core' ? null : 'core/ imports only core/ (this reaches outside the layers)';
      if (isNodeBuiltin(specifier)) return 'core/ is pure: no Node built-ins';
      if (PURE_PACKAGES.includes(packageName(specifier))) return null;
      return `core/ is pure: package "${packageName(specifier)}" is not on the pure list`;
    case 'renderer':
      if (!relative && (isNodeBuiltin(specifier) || PLATFORM_PACKAGES.includes(packageName(specifier))))
        return 'renderer/ never touches Node, Electron or devices';
      return null;
    case 'preload':
      return specifier === 'electron' ? null : 'preload/ imports only electron';
    case 'hardware':
      if (specifier === 'electron') return 'hardware/ does not depend on Electron';
      return null;
    case 'storage':
      if (!relative && !isNodeBuiltin(specifier) && packageName(specifier) !== 'better-sqlite3')
        return 'storage/ uses only Node and better-sqlite3';
      return null;
    case 'main':
      if (specifier === 'electron' && !(local === 'index.ts' || local.startsWith('electron/')))
        return 'only main/index.ts and main/electron/ may import electron';
      return null;
    case 'validator':
      if (specifier === 'electron' || packageName(specifier) === 'serialport')
        return 'validator/ runs without Electron or devices';
      return null;
    case 'cli':
      return null;
  }
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|mts|cts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export function checkLayers(root: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(root, layer);
    let exists = false;
    try {
      exists = statSync(dir).isDirectory();
    } catch {
      exists = false;
    }
    if (!exists) continue;
    for (const file of walk(dir, [])) {
      for (const ref of collectImports(file)) {
        const rule = checkImport(root, file, layer, ref);
        if (rule) violations.push({ file: path.relative(root, file), specifier: ref.specifier, rule });
      }
    }
  }
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? '.');
  const violations = checkLayers(root);
  for (const v of violations) process.stderr.write(`layer violation: ${v.file} imports "${v.specifier}": ${v.rule}\n`);
  if (violations.length > 0) {
    process.stderr.write(`${violations.length} layer violation(s) in ${root}\n`);
    process.exit(1);
  }
  process.stdout.write(`layers ok: ${root}\n`);
}
