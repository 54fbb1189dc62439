// How a USL fit is shown: the human summary (parameters, residuals table, ASCII plot) and the
// JSON document `stampede usl --json` prints. JSON has no Infinity: an unbounded N* (β = 0),
// X(N*) or γ/α is written as null, with `peakUnbounded: true` saying why.
import { uslThroughput, type UslFit } from './usl.ts';

export interface UslJson {
  alpha: number;
  beta: number;
  gamma: number;
  peakConcurrency: number | null;
  peakThroughput: number | null;
  amdahlCeiling: number | null;
  peakUnbounded: boolean;
  r2: number;
  iterations: number;
  standardErrors: { alpha: number; beta: number; gamma: number } | null;
  residuals: { n: number; measured: number; fitted: number; residual: number }[];
  notes: string[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function uslToJson(fit: UslFit): UslJson {
  return {
    alpha: fit.alpha,
    beta: fit.beta,
    gamma: fit.gamma,
    peakConcurrency: finiteOrNull(fit.peakConcurrency),
    peakThroughput: finiteOrNull(fit.peakThroughput),
    amdahlCeiling: finiteOrNull(fit.amdahlCeiling),
    peakUnbounded: !Number.isFinite(fit.peakConcurrency),
    r2: fit.r2,
    iterations: fit.iterations,
    standardErrors: fit.standardErrors,
    residuals: fit.residuals,
    notes: fit.notes,
  };
}

export function fmt(v: number, digits = 4): string {
  if (v === Infinity) return '∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** A character plot of measured (●) and fitted (·) throughput against n; log₂ n axis when n spans ≥ 16×. */
export function asciiPlot(fit: UslFit, width = 60, height = 14): string[] {
  const ns = fit.residuals.map((r) => r.n);
  const nMin = Math.min(...ns);
  const nMax = Math.max(...ns);
  const logAxis = nMax / nMin >= 16;
  const toU = (n: number) => (logAxis ? Math.log2(n / nMin) / Math.log2(nMax / nMin) : nMax === nMin ? 0 : (n - nMin) / (nMax - nMin));
  const fromU = (u: number) => (logAxis ? nMin * Math.pow(nMax / nMin, u) : nMin + u * (nMax - nMin));
  const fitted = Array.from({ length: width }, (_, c) => uslThroughput(fit, fromU(c / (width - 1))));
  const yMax = Math.max(...fit.residuals.map((r) => r.measured), ...fitted) * 1.05;
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const row = (y: number) => Math.min(height - 1, Math.max(0, height - 1 - Math.round((y / yMax) * (height - 1))));
  fitted.forEach((y, c) => {
    grid[row(y)]![c] = '·';
  });
  for (const r of fit.residuals) grid[row(r.measured)]![Math.round(toU(r.n) * (width - 1))] = '●';
  const label = (i: number) => (i === 0 ? fmt(yMax, 3) : i === height - 1 ? '0' : '');
  const lines = grid.map((cells, i) => `${pad(label(i), 8)} │${cells.join('')}`);
  lines.push(`${' '.repeat(8)} └${'─'.repeat(width)}`);
  const left = `n = ${fmt(nMin)}`;
  const right = `${fmt(nMax)}${logAxis ? ' (log scale)' : ''}`;
  lines.push(`${' '.repeat(10)}${left}${' '.repeat(Math.max(1, width - left.length - right.length))}${right}`);
  return lines;
}

export function formatUslHuman(fit: UslFit, source: string): string {
  const se = fit.standardErrors;
  const pm = (k: 'alpha' | 'beta' | 'gamma') => (se ? `  ± ${fmt(se[k], 2)}` : '');
  const ns = fit.residuals.map((r) => r.n);
  const peakN = Number.isFinite(fit.peakConcurrency) ? `${fmt(fit.peakConcurrency)}   = √((1−α)/β)` : '∞   (β = 0: no retrograde region)';
  const peakX = Number.isFinite(fit.peakThroughput)
    ? `${fmt(fit.peakThroughput)}${Number.isFinite(fit.peakConcurrency) ? '' : '   (the Amdahl ceiling, approached as n grows)'}`
    : '∞   (α = β = 0: linear scaling)';
  const out: string[] = [
    `USL fit of ${fit.residuals.length} points from ${source} (n = ${fmt(Math.min(...ns))} … ${fmt(Math.max(...ns))})`,
    `X(N) = γN / (1 + α(N−1) + βN(N−1))`,
    '',
    ...([
      ['α  contention', `${fmt(fit.alpha)}${pm('alpha')}`],
      ['β  coherency', `${fmt(fit.beta)}${pm('beta')}`],
      ['γ  throughput at n = 1', `${fmt(fit.gamma)}${pm('gamma')}`],
      ['N* peak concurrency', peakN],
      ['X(N*) peak throughput', peakX],
      ['γ/α Amdahl ceiling', fmt(fit.amdahlCeiling)],
      ['R²', fit.r2.toFixed(6)],
    ] as const).map(([k, v]) => `  ${k.padEnd(24)}${v}`),
    '',
    `  ${pad('n', 8)} ${pad('measured', 12)} ${pad('fitted', 12)} ${pad('residual', 12)} ${pad('rel.', 8)}`,
  ];
  for (const r of fit.residuals) {
    const rel = `${((100 * r.residual) / r.measured).toFixed(2)} %`;
    out.push(`  ${pad(fmt(r.n), 8)} ${pad(fmt(r.measured, 6), 12)} ${pad(fmt(r.fitted, 6), 12)} ${pad(fmt(r.residual, 3), 12)} ${pad(rel, 8)}`);
  }
  out.push('', '  throughput vs n   ● measured   · fitted', ...asciiPlot(fit).map((l) => `  ${l}`));
  if (fit.notes.length > 0) out.push('', 'notes:', ...fit.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
