// Loaded with `node --import` into a child process under test: records every path
// the process touches through node:fs (open, read, write, list, stat, rename,
// remove) to the file named by URNA_FS_AUDIT_LOG, one path a line. Tests use it to
// prove which folders a process opened, e.g. that a guardian's process never
// touched another guardian's state folder.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const logFile = process.env.URNA_FS_AUDIT_LOG;
if (logFile) {
  // Written through a descriptor opened before anything is wrapped, so logging never logs itself.
  const out = fs.openSync(logFile, 'a');
  const note = (value) => {
    let p;
    if (typeof value === 'string') p = value;
    else if (value instanceof URL) p = fileURLToPath(value);
    else if (Buffer.isBuffer(value)) p = value.toString('utf8');
    if (p !== undefined) fs.writeSync(out, `${path.resolve(p)}\n`);
  };
  const oneArg = [
    'openSync',
    'open',
    'readFileSync',
    'readFile',
    'writeFileSync',
    'writeFile',
    'appendFileSync',
    'appendFile',
    'readdirSync',
    'readdir',
    'opendirSync',
    'opendir',
    'statSync',
    'stat',
    'lstatSync',
    'lstat',
    'existsSync',
    'accessSync',
    'access',
    'mkdirSync',
    'mkdir',
    'rmSync',
    'rm',
    'unlinkSync',
    'unlink',
    'chmodSync',
    'chmod',
    'realpathSync',
    'createReadStream',
    'createWriteStream',
    'mkdtempSync',
    'rmdirSync',
  ];
  for (const name of oneArg) {
    const original = fs[name];
    if (typeof original !== 'function') continue;
    fs[name] = function audited(target, ...rest) {
      note(target);
      return original.call(this, target, ...rest);
    };
    Object.assign(fs[name], original);
  }
  for (const name of ['renameSync', 'rename', 'copyFileSync', 'copyFile', 'cpSync']) {
    const original = fs[name];
    if (typeof original !== 'function') continue;
    fs[name] = function audited(from, to, ...rest) {
      note(from);
      note(to);
      return original.call(this, from, to, ...rest);
    };
  }
  for (const name of [
    'open',
    'readFile',
    'writeFile',
    'readdir',
    'stat',
    'lstat',
    'mkdir',
    'rm',
    'unlink',
    'access',
    'opendir',
  ]) {
    const original = fs.promises[name];
    if (typeof original !== 'function') continue;
    fs.promises[name] = function audited(target, ...rest) {
      note(target);
      return original.call(this, target, ...rest);
    };
  }
  syncBuiltinESMExports();
}
