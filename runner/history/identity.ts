// A run's identity beyond what its document says: the git commit and branch of the working
// directory (when it is a checkout) and the machine.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface GitIdentity {
  commit: string | null;
  branch: string | null;
}

export function gitIdentity(cwd: string): GitIdentity {
  const git = (args: string[]): string | null => {
    try {
      const out = execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, encoding: 'utf8' }).trim();
      return out === '' ? null : out;
    } catch {
      return null; // not a checkout, or no git: the identity simply has no commit
    }
  };
  const commit = git(['rev-parse', 'HEAD']);
  if (commit === null) return { commit: null, branch: null };
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD']);
  return { commit, branch: branch === 'HEAD' ? null : branch };
}

/** host name, core count and CPU model: enough to tell two machines' runs apart. */
export function machineName(cpus: number = os.cpus().length, cpuModel: string = os.cpus()[0]?.model ?? 'unknown'): string {
  return `${os.hostname()} (${cpus}× ${cpuModel.trim()})`;
}

/** The target as a key for baselines and filters: its URL, or `shop:k=v,...` for a shop the run started. */
export function targetKey(target: string | null, targetConfig: Record<string, string> | null, env: Record<string, string> = {}): string | null {
  if (targetConfig) {
    const pairs = Object.keys(targetConfig)
      .sort()
      .map((k) => `${k}=${targetConfig[k]}`);
    return `shop:${pairs.join(',')}`;
  }
  return target ?? env.BASE ?? env.BASE_URL ?? null;
}
