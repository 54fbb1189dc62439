// The Universal Scalability Law (Gunther): X(N) = γN / (1 + α(N−1) + βN(N−1)), fitted by
// bounded nonlinear least squares (α, β ∈ [0, 1], γ ≥ 0) as the R `usl` package does
// (nls "port" from γ = max(X/N), α = 0.01, β = 0.0001), but from several starting points —
// that one, the old linearised (quadratic) fit, and a small grid — keeping the best. The USL
// describes mean throughput only; it says nothing about p99 (see research §1.6).
import { StampedeError } from '../errors.ts';
import { levenbergMarquardt, solveLinear, type BoundedProblem } from './least-squares.ts';

export interface UslPoint {
  /** load, concurrency, workers or instances (> 0) */
  n: number;
  /** throughput at n (> 0), e.g. req/s */
  x: number;
}

export interface UslParams {
  /** contention (serial fraction) */
  alpha: number;
  /** coherency (crosstalk) */
  beta: number;
  /** throughput of one unit, X(1) */
  gamma: number;
}

export interface UslResidual {
  n: number;
  measured: number;
  fitted: number;
  /** measured − fitted */
  residual: number;
}

export interface UslFit extends UslParams {
  /** N* = √((1−α)/β); Infinity when β = 0 (no retrograde region: throughput only levels off) */
  peakConcurrency: number;
  /** X(N*); when β = 0 the supremum γ/α (Infinity when α = 0 too) */
  peakThroughput: number;
  /** γ/α, the Amdahl ceiling; Infinity when α = 0 */
  amdahlCeiling: number;
  r2: number;
  residuals: UslResidual[];
  /** accepted Levenberg–Marquardt steps of the winning start */
  iterations: number;
  /** asymptotic standard errors (√diag((JᵀJ)⁻¹·s²)); null when not estimable (≤ 3 points or singular) */
  standardErrors: UslParams | null;
  /** plain-English caveats about this fit (extrapolated peak, parameter on a bound, poor fit) */
  notes: string[];
}

export const USL_MIN_POINTS = 6;

/** X(N) for the given parameters. */
export function uslThroughput(p: UslParams, n: number): number {
  return (p.gamma * n) / (1 + p.alpha * (n - 1) + p.beta * n * (n - 1));
}

/** N* and X(N*), the β = 0 and α = 1 edge cases included (see UslFit). */
export function uslPeak(p: UslParams): { peakConcurrency: number; peakThroughput: number } {
  if (p.beta <= 0) {
    return { peakConcurrency: Infinity, peakThroughput: p.alpha > 0 ? p.gamma / p.alpha : Infinity };
  }
  // N ≥ 1 physically: with α = 1 the formula gives 0, but X is largest at one unit.
  const peakConcurrency = Math.max(1, Math.sqrt((1 - p.alpha) / p.beta));
  return { peakConcurrency, peakThroughput: uslThroughput(p, peakConcurrency) };
}

function invalid(message: string): StampedeError {
  return new StampedeError('STAMPEDE_E_INPUT_INVALID', message);
}

/** Refuses what cannot be fitted, saying why. */
export function validateUslPoints(points: readonly UslPoint[]): void {
  if (points.length < USL_MIN_POINTS) {
    throw invalid(`the USL fit needs at least ${USL_MIN_POINTS} points (n, throughput); got ${points.length}. Measure more load levels (e.g. n = 1, 2, 4, 8, 16, 32).`);
  }
  points.forEach((p, i) => {
    if (!Number.isFinite(p.n) || p.n <= 0) throw invalid(`USL point ${i + 1}: n must be a finite number > 0, got ${p.n}`);
    if (!Number.isFinite(p.x) || p.x <= 0) throw invalid(`USL point ${i + 1} (n = ${p.n}): throughput must be a finite number > 0, got ${p.x}`);
  });
  const distinct = new Set(points.map((p) => p.n)).size;
  if (distinct < 3) {
    throw invalid(`the USL fit needs at least 3 distinct values of n to determine α, β and γ; got ${distinct} (${[...new Set(points.map((p) => p.n))].join(', ')})`);
  }
}

function uslProblem(points: readonly UslPoint[]): BoundedProblem {
  // θ = [γ, α, β]
  return {
    lower: [0, 0, 0],
    upper: [Infinity, 1, 1],
    residuals: ([gamma, alpha, beta]) => points.map((p) => p.x - uslThroughput({ gamma: gamma!, alpha: alpha!, beta: beta! }, p.n)),
    jacobian: ([gamma, alpha, beta]) =>
      points.map(({ n }) => {
        const d = 1 + alpha! * (n - 1) + beta! * n * (n - 1);
        return [n / d, (-gamma! * n * (n - 1)) / (d * d), (-gamma! * n * n * (n - 1)) / (d * d)];
      }),
  };
}

/**
 * The pre-2.0 R `usl` method: with C(N) = X(N)/X(1), N/C − 1 = (α+β)(N−1) + β(N−1)², a quadratic
 * in N−1 without intercept. Only a starting point here (it leans entirely on one X(1)).
 */
function linearisedStart(points: readonly UslPoint[]): [number, number, number] {
  const nMin = Math.min(...points.map((p) => p.n));
  const atMin = points.filter((p) => p.n === nMin);
  const gamma = atMin.reduce((s, p) => s + p.x / p.n, 0) / atMin.length;
  let s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  for (const p of points) {
    const u = p.n - 1;
    if (u <= 0) continue;
    const y = p.n / (p.x / gamma) - 1;
    s11 += u * u;
    s12 += u * u * u;
    s22 += u * u * u * u;
    t1 += u * y;
    t2 += u * u * y;
  }
  const sol = solveLinear([[s11, s12], [s12, s22]], [t1, t2]);
  const a = sol?.[0] ?? 0.01;
  const b = sol?.[1] ?? 0.0001;
  const beta = Math.min(1, Math.max(0, b));
  const alpha = Math.min(1, Math.max(0, a - beta));
  return [gamma, alpha, beta];
}

function startingPoints(points: readonly UslPoint[]): [number, number, number][] {
  const gamma0 = Math.max(...points.map((p) => p.x / p.n));
  const starts: [number, number, number][] = [[gamma0, 0.01, 0.0001], linearisedStart(points)];
  for (const alpha of [0, 0.05, 0.3]) for (const beta of [0, 1e-5, 1e-3, 1e-2]) starts.push([gamma0, alpha, beta]);
  return starts;
}

function standardErrors(problem: BoundedProblem, theta: readonly number[], ssr: number, m: number): UslParams | null {
  if (m <= 3) return null;
  const jac = problem.jacobian(theta);
  const a = [0, 1, 2].map((p) => [0, 1, 2].map((q) => jac.reduce((s, row) => s + row[p]! * row[q]!, 0)));
  // Invert JᵀJ column by column after Jacobi scaling (its entries span ~20 orders of magnitude).
  const d = a.map((row, p) => (row[p]! > 0 ? 1 / Math.sqrt(row[p]!) : 0));
  if (d.some((v) => v === 0)) return null;
  const aHat = a.map((row, p) => row.map((v, q) => v * d[p]! * d[q]!));
  const s2 = ssr / (m - 3);
  const diag: number[] = [];
  for (let k = 0; k < 3; k++) {
    const col = solveLinear(aHat, [0, 1, 2].map((i) => (i === k ? 1 : 0)));
    if (!col) return null;
    diag.push(Math.sqrt(Math.max(0, col[k]! * d[k]! * d[k]! * s2)));
  }
  return { gamma: diag[0]!, alpha: diag[1]!, beta: diag[2]! };
}

function notesFor(fit: Omit<UslFit, 'notes'>, points: readonly UslPoint[]): string[] {
  const notes: string[] = [];
  const nMax = Math.max(...points.map((p) => p.n));
  if (fit.beta === 0) {
    notes.push(
      fit.alpha === 0
        ? 'α = β = 0: linear scaling over the measured range; no ceiling can be predicted from these points.'
        : `β = 0: no coherency cost seen, so there is no peak (N* = ∞); throughput levels off towards the Amdahl ceiling γ/α ≈ ${fit.amdahlCeiling.toPrecision(4)}.`,
    );
  } else if (fit.peakConcurrency > nMax) {
    notes.push(`N* ≈ ${fit.peakConcurrency.toPrecision(4)} lies beyond the largest measured n (${nMax}): the peak is an extrapolation; measure past it to confirm.`);
  }
  if (fit.alpha === 1) notes.push('α = 1 (its upper bound): throughput does not grow with n at all.');
  if (fit.standardErrors && fit.beta > 0 && fit.standardErrors.beta > fit.beta) {
    notes.push('β is smaller than its standard error: the retrograde region is not established by these points, so N* is uncertain.');
  }
  if (fit.r2 < 0.9) notes.push(`R² = ${fit.r2.toFixed(3)}: the USL describes these points poorly; check the measurements (steady state? saturated generator?).`);
  return notes;
}

/** Fits the USL to the points (≥ 6, ≥ 3 distinct n, all positive); throws StampedeError otherwise. */
export function fitUsl(points: readonly UslPoint[]): UslFit {
  validateUslPoints(points);
  const problem = uslProblem(points);
  let best: ReturnType<typeof levenbergMarquardt> | undefined;
  for (const start of startingPoints(points)) {
    const result = levenbergMarquardt(problem, start, { maxIterations: 1000 });
    if (Number.isFinite(result.ssr) && (!best || result.ssr < best.ssr)) best = result;
  }
  if (!best) throw new StampedeError('STAMPEDE_E_INTERNAL', 'the USL fit did not produce a finite result from any starting point');

  const [gamma, alpha, beta] = best.theta as [number, number, number];
  const params = { alpha, beta, gamma };
  const mean = points.reduce((s, p) => s + p.x, 0) / points.length;
  const sst = points.reduce((s, p) => s + (p.x - mean) ** 2, 0);
  const r2 = sst > 0 ? 1 - best.ssr / sst : best.ssr === 0 ? 1 : 0;
  const residuals = points.map((p) => {
    const fitted = uslThroughput(params, p.n);
    return { n: p.n, measured: p.x, fitted, residual: p.x - fitted };
  });
  const core = {
    ...params,
    ...uslPeak(params),
    amdahlCeiling: alpha > 0 ? gamma / alpha : Infinity,
    r2,
    residuals,
    iterations: best.iterations,
    standardErrors: standardErrors(problem, best.theta, best.ssr, points.length),
  };
  return { ...core, notes: notesFor(core, points) };
}
