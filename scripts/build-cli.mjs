// Builds the `urna` command line and the validator as bundled JavaScript in dist/cli,
// so that no TypeScript is transpiled when a command runs (bin/urna.mjs loads
// dist/cli/urna.mjs). Each command group is its own chunk, loaded only when that
// command runs; dist/cli/commands.json lists the groups for the top-level help.
// Run by `npm run build`, by `npm install` / `npm ci` (the prepare script) and
// before the tests (test/support/build-cli.ts).
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/cli');

// Native modules stay in node_modules; so do fastify and its plugins, whose loaders
// resolve files at run time. Pure JavaScript packages are bundled (fewer files to load).
const external = [
  'electron',
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  '@napi-rs/canvas',
  'fastify',
  '@fastify/*',
  'tsx',
  'esbuild',
];

const sourceDirs = ['cli', 'core', 'validator', 'main', 'hardware', 'storage'];

function newestSource(dir, newest = 0) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = newestSource(full, newest);
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.sql'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether dist/cli was built after the last change to any source it bundles. */
export function cliBundleFresh() {
  let built;
  try {
    built = statSync(path.join(outdir, 'commands.json')).mtimeMs;
  } catch {
    return false;
  }
  const newest = Math.max(
    statSync(path.join(root, 'package-lock.json')).mtimeMs,
    ...sourceDirs.map((dir) => newestSource(path.join(root, dir))),
  );
  return built > newest;
}

/**
 * zod re-exports its 48 locales (360 KB, 40% of the bundled zod) as `z.locales`; no
 * code here uses one beyond the English default, which zod imports by itself. Only
 * English is kept, so every command that loads zod compiles less at start-up.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};\n`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * The base64 of core/ballot/wasm25519.ts field25519Module(), emitted here once so that
 * no command pays for emitting it at start-up (the bundle gets it as a define).
 */
async function field25519Wasm() {
  const emitter = path.join(outdir, 'field25519-emit.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['core/ballot/wasm25519.ts'],
    outfile: emitter,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  try {
    const { field25519Module } = await import(`${pathToFileURL(emitter).href}?t=${Date.now()}`);
    return Buffer.from(field25519Module()).toString('base64');
  } finally {
    rmSync(emitter, { force: true });
  }
}

export async function buildCli({ quiet = false } = {}) {
  const started = performance.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const wasm = await field25519Wasm();
  await build({
    absWorkingDir: root,
    entryPoints: {
      urna: 'cli/urna.ts',
      'urna-verify-worker': 'cli/record/station-worker.ts',
      'urna-validator-worker': 'validator/verify-worker.ts',
      'station-child': 'cli/simulate/station-child.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // Chunks sit beside the entry points: validator/entry-points.ts finds the entries from any chunk.
    external,
    // Bundled CommonJS packages call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __urnaCreateRequire } from 'node:module'; const require = __urnaCreateRequire(import.meta.url);",
    },
    define: { URNA_BUNDLE: 'true', URNA_FIELD25519_WASM: JSON.stringify(wasm) },
    sourcemap: true,
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
  });
  // The validator's schema migrations are files read at run time (validator/migrations.ts
  // resolves them beside the module that runs, which in the bundle is dist/cli).
  cpSync(path.join(root, 'validator/migrations'), path.join(outdir, 'migrations'), { recursive: true });
  // The top-level help names every command group without loading them.
  const { commandOverview } = await import(`${pathToFileURL(path.join(outdir, 'urna.mjs')).href}?t=${Date.now()}`);
  writeFileSync(path.join(outdir, 'commands.json'), `${JSON.stringify(await commandOverview(), null, 2)}\n`);
  if (!quiet) console.log(`built dist/cli in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
