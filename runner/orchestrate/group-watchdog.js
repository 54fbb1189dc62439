// The watchdog between the runner and a command target: it starts the target in a process
// group of its own and, when the runner is gone however it went (SIGKILL, a crash, an OOM
// kill), stops that whole group — SIGTERM, then SIGKILL after the grace period. Node has no
// PR_SET_PDEATHSIG, and setpriv's only reaches the direct child: a `sh -c 'worker & exec
// server'`, a gunicorn master's workers, would outlive a SIGKILLed runner without this.
//
//   node group-watchdog.js <grace ms> <command> [args…]
//
// stdin is a pipe from the runner, never written: it closes when the runner closes it (after
// its own orderly stop) or when the runner dies — that is the signal. fd 3 is a pipe to the
// runner: one line `pid N` once the target is spawned (`error MESSAGE` if it could not be),
// then `exit CODE SIGNAL` when it exits. stdout and stderr are the target's log, inherited.
// The watchdog lives until stdin closes (a group can outlive its leader), in a session of its
// own, so a Ctrl-C in the terminal reaches only the runner. Plain JS: it starts in ~40 ms
// without a TypeScript loader.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';

const [graceArg, command, ...args] = process.argv.slice(2);
const graceMs = Number(graceArg);
const CONTROL_FD = 3;

const tell = (line) => {
  try {
    writeSync(CONTROL_FD, `${line}\n`);
  } catch {
    // the runner is gone: nobody to tell
  }
};

if (!command || !Number.isFinite(graceMs) || graceMs < 0) {
  tell('error usage: group-watchdog.js <grace ms> <command> [args…]');
  process.exit(2);
}

// the runner moved the target's NODE_OPTIONS aside so that they do not apply to this process
const env = { ...process.env };
delete env.NODE_OPTIONS;
if (env.STAMPEDE_TARGET_NODE_OPTIONS !== undefined) env.NODE_OPTIONS = env.STAMPEDE_TARGET_NODE_OPTIONS;
delete env.STAMPEDE_TARGET_NODE_OPTIONS;

const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
let pgid = 0;
child.once('spawn', () => {
  pgid = child.pid ?? 0;
  tell(`pid ${pgid}`);
});
child.once('error', (err) => {
  if (pgid === 0) {
    tell(`error ${err.message.replace(/\n/g, ' ')}`);
    process.exit(127);
  }
});
child.once('exit', (code, signal) => tell(`exit ${code ?? ''} ${signal ?? ''}`));

const alive = () => {
  if (pgid <= 0) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};
const signal = (sig) => {
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stopping = false;
async function stopGroup() {
  if (stopping) return;
  stopping = true;
  if (alive()) {
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive() && Date.now() < deadline) await sleep(50);
    // a zombie (its parent died, and PID 1 may not reap it) still answers kill(0): SIGKILL
    // changes nothing for it, so the wait after it is bounded
    if (alive()) {
      signal('SIGKILL');
      for (let i = 0; i < 40 && alive(); i++) await sleep(50);
    }
  }
  process.exit(0);
}

process.stdin.on('data', () => {});
process.stdin.once('end', stopGroup);
process.stdin.once('close', stopGroup);
process.stdin.once('error', stopGroup);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, stopGroup);
