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

// `npm install` alone does nothing once node_modules/electron exists: the binary is
// fetched only by the electron package's own install script.
const ELECTRON_ADVICE = [
  'The electron package downloads its binary (about 100 MB, from github.com/electron/electron/releases)',
  'when it is installed; an install without network or with ELECTRON_SKIP_BINARY_DOWNLOAD=1 leaves it out,',
  'and `npm install` does not fetch it again. Either:',
  '  - reinstall electron with network access: `npm rebuild electron`',
  '    (or `rm -rf node_modules/electron && npm install`), ELECTRON_SKIP_BINARY_DOWNLOAD unset;',
  '    behind a mirror, set ELECTRON_MIRROR; or',
  '  - point ELECTRON_OVERRIDE_DIST_PATH at the folder of an Electron binary of the same version',
  '    (unpacked from electron-v<version>-linux-x64.zip, copied from another machine).',
].join('\n');

let electronBinary;
try {
  electronBinary = require('electron'); // the path of the binary, once installed
} catch (error) {
  fail(`the Electron binary is not installed (${error.message.split('\n')[0]}).\n${ELECTRON_ADVICE}`);
}
if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) {
  const where = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? ` (ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH})`
    : '';
  fail(`the Electron binary is missing: there is no ${electronBinary}${where}.\n${ELECTRON_ADVICE}`);
}

const probe = spawnSync(
  electronBinary,
  ['-p', 'JSON.stringify([process.versions.electron, process.versions.modules])'],
  {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  },
);
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
const prebuild = spawnSync(
  process.execPath,
  [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion],
  {
    cwd: sourceDir,
    env,
    stdio: 'inherit',
  },
);
if (prebuild.status !== 0 || !existsSync(built)) {
  console.log('no prebuilt binary; compiling from source against Electron headers');
  try {
    execFileSync(
      process.execPath,
      [
        require.resolve('node-gyp/bin/node-gyp.js'),
        'rebuild',
        '--release',
        '--runtime=electron',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
      ],
      { cwd: sourceDir, env, stdio: 'inherit' },
    );
  } catch {
    fail(
      `better-sqlite3 could not be built for Electron ${electronVersion} (see node-gyp's output above).\n` +
        'Its prebuilt binary is downloaded from github.com/WiseLibs/better-sqlite3/releases; compiling instead needs\n' +
        "Electron's headers from electronjs.org and a C++ toolchain (Debian: apt-get install build-essential python3).\n" +
        `Without network, copy build/native/electron-${abi}/better_sqlite3.node from a machine where \`npm start\` worked.`,
    );
  }
}
if (!existsSync(built)) fail('better-sqlite3 did not build for Electron; see the output above.');
mkdirSync(outDir, { recursive: true });
copyFileSync(built, target);
rmSync(sourceDir, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ready: ${path.relative(root, target)}`);
