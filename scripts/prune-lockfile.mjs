// The registry this project's CI can reach carries only the platform packages
// for the machines it serves (linux). npm records a package's optional platform
// binaries in the lockfile only when it can resolve them, then `npm ci` refuses
// the lockfile because the other platforms' entries are missing. This drops
// optional dependencies that the lockfile itself does not contain, which changes
// nothing where the lockfile is complete. `.ci/run` runs it before `npm ci`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages ?? {}));
let pruned = 0;
for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  const optional = entry.optionalDependencies;
  if (!optional) continue;
  for (const name of Object.keys(optional)) {
    const nested = `${key ? `${key}/` : ''}node_modules/${name}`;
    if (!present.has(nested) && !present.has(`node_modules/${name}`)) {
      delete optional[name];
      pruned += 1;
    }
  }
  if (Object.keys(optional).length === 0) delete entry.optionalDependencies;
}
if (pruned > 0) writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lockfile: ${pruned} unresolvable optional platform dependencies dropped from ${file}`);
