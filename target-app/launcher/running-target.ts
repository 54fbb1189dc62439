// What a started target is and how it is started: the contract between startTarget() and each
// shop's launcher (Node or Python), in a module of its own so the launchers need not import each other.
import type { TargetConfig } from './config.ts';

export interface RunningTarget {
  url: string;
  adminToken: string;
  config: TargetConfig;
  /** pids of the processes this target started directly (for tests and diagnostics) */
  pids(): number[];
  /** the supervised children: pid now (null while being restarted or absent) and restart count */
  supervised(): Record<'payment' | 'queueWorker' | 'primary', { pid: number | null; restarts: number }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** progress lines ("starting embedded PostgreSQL…"); default: silent */
  log?: (line: string) => void;
  /** how long the app may take to listen after everything else is up */
  readyTimeoutMs?: number;
}
