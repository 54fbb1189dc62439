// The README promises the Node versions of package.json's "engines". Every installed package
// (the lock file records each one's own "engines") must accept the lowest version of each
// promised line, or `npm install` warns EBADENGINE and the package may not run there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface LockEntry { engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const promised = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

/** The lowest version of each line the promise names: ">=20.19 <21 || >=22.13" → 20.19.0, 22.13.0. */
function lowestOfEachLine(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => {
    const low = comparators.find((c) => c.operator === '>=' || c.operator === '');
    if (!low) throw new Error(`engines range "${range}" has a line with no lower bound`);
    return low.semver.version;
  });
}

describe('the promised Node versions', () => {
  const versions = lowestOfEachLine(promised);

  it('are the README\'s lines (20.19 and 22.13)', () => {
    expect(versions).toEqual(['20.19.0', '22.13.0']);
  });

  it('are accepted by every installed package', () => {
    const refusing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const node = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      // optional platform packages of other machines are in the lock but not installed here
      if (!where || !node || !existsSync(path.join(ROOT, where))) continue;
      for (const v of versions) {
        if (!semver.satisfies(v, node, { includePrerelease: true })) refusing.push(`${where.replace(/^node_modules\//, '')} wants node ${node}, not ${v}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});
