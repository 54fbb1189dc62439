// Runs bad-input cases against the CLI and judges each: exit 2, exactly one `error …` line that
// names what and where, no stack frame or internal error, nothing written. Cases run in-process
// (main() with stdout/stderr captured, one at a time: ~10 ms each instead of a Node start-up),
// and a sample also as real child processes, where an unhandled 'error' event or a stray stack
// would show as it does for a user.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../main.ts';
import type { BadInputCase } from './cases.ts';

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Placeholders {
  tiny: string;
  result: string;
  resultText: string;
  k6: string;
  k6summary: string;
  csv: string;
}

export interface PreparedCase {
  c: BadInputCase;
  dir: string;
  argv: string[];
  mentions: string[];
  inputs: Set<string>;
}

function resolve(s: string, dir: string, p: Placeholders): string {
  return s
    .replaceAll('{out}', path.join(dir, 'out'))
    .replaceAll('{outfile}', path.join(dir, 'out.file'))
    .replaceAll('{file}', path.join(dir, 'a-file'))
    .replaceAll('{missing}', path.join(dir, 'missing'))
    .replaceAll('{dir}', dir)
    .replaceAll('{tiny}', p.tiny)
    .replaceAll('{result}', p.result)
    .replaceAll('{k6summary}', p.k6summary)
    .replaceAll('{k6}', p.k6)
    .replaceAll('{csv}', p.csv);
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      out.push(path.relative(dir, full));
      if (e.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

/** Creates the case's folder with its input files; returns what the judge needs. */
export function prepare(c: BadInputCase, root: string, index: number, p: Placeholders): PreparedCase {
  const dir = path.join(root, `case-${index}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'a-file'), 'an ordinary file\n');
  for (const [name, content] of Object.entries(c.files ?? {})) writeFileSync(path.join(dir, name), content === '{RESULT}' ? p.resultText : content);
  return { c, dir, argv: c.argv.map((a) => resolve(a, dir, p)), mentions: c.mentions.map((m) => resolve(m, dir, p)), inputs: new Set(listing(dir)) };
}

/** main() in this process, output captured; a case still running after `timeoutMs` counts as not refused. */
export async function runInProcess(pc: PreparedCase, timeoutMs: number): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture =
    (append: (s: string) => void) =>
    (chunk: unknown, enc?: unknown, cb?: unknown): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') (done as () => void)();
      return true;
    };
  process.stdout.write = capture((s) => (stdout += s)) as typeof process.stdout.write;
  process.stderr.write = capture((s) => (stderr += s)) as typeof process.stderr.write;
  const cwd = process.cwd();
  process.chdir(pc.dir);
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(pc.argv),
      new Promise<null>((r) => {
        timer = setTimeout(() => r(null), timeoutMs);
      }),
    ]);
    return { code, stdout, stderr, timedOut: code === null };
  } finally {
    clearTimeout(timer);
    process.chdir(cwd);
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** `node runner/cli/bin.js …` as a user runs it. */
export function runChild(pc: PreparedCase, bin: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolveOutcome) => {
    const child = spawn(process.execPath, [bin, ...pc.argv], { cwd: pc.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveOutcome({ code, stdout, stderr, timedOut });
    });
  });
}

export type Verdict = 'clean' | 'crash' | 'not refused' | 'unclear' | 'left files';

/** Judges an outcome; `problems` says what was wrong, in words. */
export function judge(pc: PreparedCase, o: Outcome): { verdict: Verdict; problems: string[] } {
  const problems: string[] = [];
  let verdict: Verdict = 'clean';
  const lines = o.stderr.split('\n').filter((l) => l.trim() !== '');
  const errorLines = lines.filter((l) => l.startsWith('error '));
  const stack = lines.filter((l) => /^\s+at .+(\(|:\d+)/.test(l) || /STAMPEDE_E_INTERNAL|Unhandled|node:internal|^\s*throw /.test(l));
  const internals = errorLines.filter((l) => /\b(Type|Range|Reference|Syntax|Eval)?Error:|\bundefined\b|(?<!got )\bNaN\b|\[object Object\]/.test(l.replace(/^error STAMPEDE_E_[A-Z_]+: /, '').replace(/"(?:[^"\\]|\\.)*"/g, '""')));
  if (o.timedOut) {
    verdict = 'not refused';
    problems.push('still running: the input was accepted');
  } else if (o.code === 1 || stack.length > 0) {
    verdict = 'crash';
    problems.push(`exit ${o.code}`, ...stack.slice(0, 3));
  } else if (o.code !== 2) {
    verdict = 'not refused';
    problems.push(`exit ${o.code}`);
  }
  if (verdict === 'clean') {
    if (errorLines.length !== 1) {
      verdict = 'unclear';
      problems.push(`${errorLines.length} error lines`);
    } else {
      const line = errorLines[0]!;
      // nothing but the message: no progress, no note, no unindented continuation (indented details may follow)
      const noise = lines.filter((l) => l !== line && !l.startsWith('  ')).slice(pc.c.preambleLines ?? 0);
      if (noise.length > 0) {
        verdict = 'unclear';
        problems.push(`other output beside the message: ${noise.slice(0, 2).join(' | ')}`);
      }
      const missing = pc.mentions.filter((m) => !line.includes(m));
      if (missing.length > 0) {
        verdict = 'unclear';
        problems.push(`the message does not name ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
      }
      if (internals.length > 0) {
        verdict = 'unclear';
        problems.push('an internal error text in the message');
      }
    }
  }
  const added = existsSync(pc.dir) ? listing(pc.dir).filter((f) => !pc.inputs.has(f)) : [];
  const out = path.join(pc.dir, 'out');
  const outNonEmpty = existsSync(out) && statSync(out).isDirectory() && readdirSync(out).length > 0;
  const stray = added.filter((f) => f !== 'out');
  if (stray.length > 0 || outNonEmpty) {
    if (verdict === 'clean') verdict = 'left files';
    problems.push(`files written: ${[...stray, ...(outNonEmpty ? readdirSync(out).map((f) => `out/${f}`) : [])].slice(0, 5).join(', ')}`);
  }
  if (problems.length > 0) problems.push(`stderr: ${o.stderr.slice(0, 400)}`);
  return { verdict, problems };
}
