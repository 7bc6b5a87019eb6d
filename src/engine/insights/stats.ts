/**
 * Small statistics the analyzers share: exact quantiles, ranks, Spearman's ρ and the Mann–Whitney U
 * test (exact distribution for small samples without ties, normal approximation with tie and
 * continuity correction otherwise). Pure functions over plain arrays.
 */

/** Quantile of an ascending array by linear interpolation between closest ranks (R type 7); NaN when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** An ascending copy (numeric order, not the default string order). */
export function sortedCopy(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(sortedCopy(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Mid-ranks (1-based, ties get their average rank) of `values` in their original order. */
export function midRanks(values: readonly number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) {
      j++;
    }
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      ranks[idx[k]] = r;
    }
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation of paired samples; NaN when fewer than 2 pairs or a constant side. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) {
    return NaN;
  }
  const rx = midRanks(x.slice(0, n));
  const ry = midRanks(y.slice(0, n));
  const mx = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i] - mx;
    const dy = ry[i] - mx;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Standard normal cumulative distribution (erfc by Numerical Recipes' Chebyshev fit, |ε| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

const exactCache = new Map<string, Float64Array>();

/**
 * Cumulative null distribution of U for sample sizes n1, n2 without ties: P(U ≤ u).
 * Counts the arrangements by the recurrence f(m, n, u) = f(m−1, n, u−n) + f(m, n−1, u).
 */
export function mannWhitneyExactCdf(n1: number, n2: number, u: number): number {
  const key = `${n1},${n2}`;
  let cdf = exactCache.get(key);
  if (!cdf) {
    const max = n1 * n2;
    // f[m][n] as a rolling table over n for each m.
    let prev: Float64Array[] = [];
    for (let m = 0; m <= n1; m++) {
      const cur: Float64Array[] = [];
      for (let n = 0; n <= n2; n++) {
        const f = new Float64Array(m * n + 1);
        if (m === 0 || n === 0) {
          f[0] = 1;
        } else {
          const a = prev[n];
          const b = cur[n - 1];
          for (let v = 0; v <= m * n; v++) {
            f[v] = (v - n >= 0 && v - n < a.length ? a[v - n] : 0) + (v < b.length ? b[v] : 0);
          }
        }
        cur.push(f);
      }
      prev = cur;
    }
    const f = prev[n2];
    let total = 0;
    for (let v = 0; v <= max; v++) {
      total += f[v];
    }
    cdf = new Float64Array(max + 1);
    let acc = 0;
    for (let v = 0; v <= max; v++) {
      acc += f[v];
      cdf[v] = acc / total;
    }
    exactCache.set(key, cdf);
  }
  if (u < 0) {
    return 0;
  }
  return cdf[Math.min(Math.floor(u), cdf.length - 1)];
}

export interface MannWhitneyResult {
  /** U of the first sample (number of pairs where a > b, ties counting ½). */
  u1: number;
  /** min(U1, U2). */
  u: number;
  n1: number;
  n2: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Largest sample size (each side) for which the exact distribution is used when there are no ties. */
export const EXACT_MAX_N = 30;

/**
 * Mann–Whitney U test on weighted distinct values: `groups` are ascending values with how many
 * observations of each sample have that value. Raw samples and binned histograms both reduce to it.
 */
export function mannWhitneyGrouped(groups: readonly { value: number; a: number; b: number }[]): MannWhitneyResult | undefined {
  let n1 = 0;
  let n2 = 0;
  let rank1 = 0;
  let tieSum = 0;
  let ties = false;
  let start = 0;
  for (const g of groups) {
    const t = g.a + g.b;
    if (t === 0) {
      continue;
    }
    rank1 += g.a * (start + (t + 1) / 2);
    tieSum += t * t * t - t;
    if (t > 1) {
      ties = true;
    }
    start += t;
    n1 += g.a;
    n2 += g.b;
  }
  if (n1 === 0 || n2 === 0) {
    return undefined;
  }
  const u1 = rank1 - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  if (!ties && n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N) {
    const p = Math.min(1, 2 * mannWhitneyExactCdf(n1, n2, u));
    return { u1, u, n1, n2, p, method: 'exact' };
  }
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  if (variance <= 0) {
    return { u1, u, n1, n2, p: 1, method: 'normal' };
  }
  const z = Math.max(0, Math.abs(u1 - mu) - 0.5) / Math.sqrt(variance);
  return { u1, u, n1, n2, p: Math.min(1, 2 * (1 - normalCdf(z))), method: 'normal' };
}

/** Mann–Whitney U test of two raw samples (two-sided). Undefined when a side is empty. */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult | undefined {
  const tagged: [number, number][] = [];
  for (const v of a) {
    tagged.push([v, 0]);
  }
  for (const v of b) {
    tagged.push([v, 1]);
  }
  tagged.sort((x, y) => x[0] - y[0]);
  const groups: { value: number; a: number; b: number }[] = [];
  for (const [v, side] of tagged) {
    let g = groups[groups.length - 1];
    if (!g || g.value !== v) {
      g = { value: v, a: 0, b: 0 };
      groups.push(g);
    }
    if (side === 0) {
      g.a++;
    } else {
      g.b++;
    }
  }
  return mannWhitneyGrouped(groups);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) {
    return NaN;
  }
  let s = 0;
  for (const v of values) {
    s += v;
  }
  return s / values.length;
}
