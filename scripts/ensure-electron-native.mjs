// Makes better-sqlite3 loadable by Electron without touching the copy that Node
// uses for `npm test`: Electron gets its own build in build/native/electron-<abi>/,
// which main/index.ts passes to better-sqlite3 as `nativeBinding`. So `npm test`
// and `npm start` work in either order.
//
// Needs the Electron binary (a normal `npm install` with network fetches it) and,
// the first time, either a prebuilt binary from better-sqlite3's releases or a
// C++ toolchain with network access to Electron's headers.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = process.cwd();

function fail(message) {
  console.error(`\nurna: ${message}\n`);
  process.exit(1);
}

let electronBinary;
try {
  electronBinary = require('electron'); // the path of the binary, once installed
} catch (error) {
  fail(`the Electron binary is not installed (${error.message.split('\n')[0]}).\nRun \`npm install\` on a machine with internet access, or set ELECTRON_OVERRIDE_DIST_PATH.`);
}
if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) {
  fail('the Electron binary is missing: run `npm install` with network access (ELECTRON_SKIP_BINARY_DOWNLOAD must not be set).');
}

const probe = spawnSync(electronBinary, ['-p', 'JSON.stringify([process.versions.electron, process.versions.modules])'], {
  env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  encoding: 'utf8',
});
if (probe.status !== 0) fail(`could not ask Electron for its version: ${probe.stderr || probe.error}`);
const [electronVersion, abi] = JSON.parse(probe.stdout.trim().split('\n').pop());

const outDir = path.join(root, 'build', 'native', `electron-${abi}`);
const target = path.join(outDir, 'better_sqlite3.node');
if (existsSync(target)) {
  console.log(`better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) is ready: ${path.relative(root, target)}`);
  process.exit(0);
}

console.log(`building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) …`);
const sourceDir = path.join(root, 'build', 'native', 'better-sqlite3-src');
rmSync(sourceDir, { recursive: true, force: true });
cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), sourceDir, {
  recursive: true,
  filter: (src) => !src.includes(`${path.sep}build${path.sep}`),
});
// The local npm config may point node-gyp at Node's headers; Electron needs its own.
const env = { ...process.env };
for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];

const built = path.join(sourceDir, 'build', 'Release', 'better_sqlite3.node');
const prebuild = spawnSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion], {
  cwd: sourceDir,
  env,
  stdio: 'inherit',
});
if (prebuild.status !== 0 || !existsSync(built)) {
  console.log('no prebuilt binary; compiling from source against Electron headers');
  execFileSync(
    process.execPath,
    [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: sourceDir, env, stdio: 'inherit' },
  );
}
if (!existsSync(built)) fail('better-sqlite3 did not build for Electron; see the output above.');
mkdirSync(outDir, { recursive: true });
copyFileSync(built, target);
rmSync(sourceDir, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ready: ${path.relative(root, target)}`);
