// Bounded nonlinear least squares for a handful of parameters: Levenberg–Marquardt with an
// analytic Jacobian, box bounds handled by an active set (a parameter pinned at a bound whose
// gradient points outward is frozen for that step) plus projection of every trial point.
// Written here rather than taken from npm because the USL's parameters differ by up to seven
// orders of magnitude (γ ~ 10³, β ~ 10⁻⁴): the normal equations are solved after Jacobi
// scaling (unit diagonal), which makes the step independent of each parameter's units.

export interface BoundedProblem {
  /** r_i = y_i − f_i(θ) */
  residuals(theta: readonly number[]): number[];
  /** J[i][j] = ∂f_i/∂θ_j (of the model, not of the residual) */
  jacobian(theta: readonly number[]): number[][];
  lower: readonly number[];
  upper: readonly number[];
}

export interface LmOptions {
  maxIterations?: number;
  /** stop when an accepted step lowers the sum of squares by less than this fraction */
  relativeTolerance?: number;
}

export interface LmResult {
  theta: number[];
  /** sum of squared residuals at theta */
  ssr: number;
  /** accepted steps */
  iterations: number;
  converged: boolean;
}

const sumSquares = (r: readonly number[]): number => r.reduce((s, v) => s + v * v, 0);

export function project(theta: readonly number[], lower: readonly number[], upper: readonly number[]): number[] {
  return theta.map((v, j) => Math.min(upper[j] ?? Infinity, Math.max(lower[j] ?? -Infinity, v)));
}

/** Solves A·x = b (small, dense) by Gaussian elimination with partial pivoting; null when singular. */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    const p = m[pivot]![col]!;
    if (!Number.isFinite(p) || Math.abs(p) < 1e-300) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/** JᵀJ and Jᵀr for the given columns. */
function normalEquations(jac: readonly (readonly number[])[], r: readonly number[], cols: readonly number[]): { a: number[][]; g: number[] } {
  const k = cols.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const g = new Array<number>(k).fill(0);
  for (let i = 0; i < jac.length; i++) {
    const row = jac[i]!;
    const ri = r[i]!;
    for (let p = 0; p < k; p++) {
      const jp = row[cols[p]!]!;
      g[p] = g[p]! + jp * ri;
      for (let q = 0; q < k; q++) a[p]![q] = a[p]![q]! + jp * row[cols[q]!]!;
    }
  }
  return { a, g };
}

export function levenbergMarquardt(problem: BoundedProblem, start: readonly number[], opts: LmOptions = {}): LmResult {
  const maxIterations = opts.maxIterations ?? 500;
  const relTol = opts.relativeTolerance ?? 1e-15;
  const { lower, upper } = problem;
  let theta = project(start, lower, upper);
  let r = problem.residuals(theta);
  let ssr = sumSquares(r);
  let lambda = 1e-3;
  let iterations = 0;
  if (!Number.isFinite(ssr)) return { theta, ssr, iterations, converged: false };

  while (iterations < maxIterations) {
    if (ssr === 0) return { theta, ssr, iterations, converged: true };
    const jac = problem.jacobian(theta);
    const all = theta.map((_, j) => j);
    const full = normalEquations(jac, r, all);
    // Active set: a parameter on a bound whose descent direction leaves the box stays put.
    const free = all.filter((j) => {
      const gj = full.g[j]!;
      const atLower = theta[j]! <= lower[j]! && gj <= 0;
      const atUpper = theta[j]! >= upper[j]! && gj >= 0;
      return !(atLower || atUpper);
    });
    if (free.length === 0) return { theta, ssr, iterations, converged: true };
    const { a, g } = normalEquations(jac, r, free);
    // Jacobi scaling: solve for δ̂ = δ·√diag, so every parameter is on the same footing.
    const scale = a.map((row, p) => {
      const d = row[p]!;
      return d > 0 && Number.isFinite(d) ? 1 / Math.sqrt(d) : 0;
    });
    if (scale.every((s) => s === 0)) return { theta, ssr, iterations, converged: true };
    const aHat = a.map((row, p) => row.map((v, q) => v * scale[p]! * scale[q]!));
    const gHat = g.map((v, p) => v * scale[p]!);
    // Stationary already (gradient negligible relative to the fit): done.
    if (Math.sqrt(sumSquares(gHat)) <= 1e-14 * Math.sqrt(ssr)) return { theta, ssr, iterations, converged: true };

    let accepted = false;
    while (lambda < 1e16) {
      const damped = aHat.map((row, p) => row.map((v, q) => (p === q ? v + lambda * Math.max(v, 1) : v)));
      const stepHat = solveLinear(damped, gHat);
      if (stepHat) {
        const trial = [...theta];
        free.forEach((j, p) => {
          trial[j] = trial[j]! + stepHat[p]! * scale[p]!;
        });
        const next = project(trial, lower, upper);
        const rNext = problem.residuals(next);
        const ssrNext = sumSquares(rNext);
        if (Number.isFinite(ssrNext) && ssrNext < ssr) {
          const improvement = ssr - ssrNext;
          const moved = next.some((v, j) => Math.abs(v - theta[j]!) > 1e-15 * (Math.abs(theta[j]!) + 1e-300));
          theta = next;
          r = rNext;
          ssr = ssrNext;
          iterations++;
          lambda = Math.max(lambda / 10, 1e-12);
          accepted = true;
          if (improvement <= relTol * ssr || !moved) return { theta, ssr, iterations, converged: true };
          break;
        }
      }
      lambda *= 10;
    }
    // No step lowers the sum of squares however short: a (constrained) minimum.
    if (!accepted) return { theta, ssr, iterations, converged: true };
  }
  return { theta, ssr, iterations, converged: false };
}
