/**
 * Minimum-norm least-squares operator of a column-major n x p matrix `a`, exactly as numpy's
 * `lstsq(a, y, rcond)` decides: Householder QR (A = Q R), then a one-sided Jacobi SVD of R
 * (R V = U S); singular values at or below rcond * max are dropped and
 * pinv = V_r S_r^-1 (Q U_r)' (p x n, row-major). Accurate (no squared condition number) but
 * O(p^3) in plain sweeps: the neutralizer uses it only when the Gram route cannot certify the
 * rank decision.
 */
export function svdPinv(a0: Float64Array, n: number, p: number, rcond: number) {
  const a = Float64Array.from(a0);
  const steps = Math.min(n, p);
  const rdiag = new Float64Array(p);
  for (let j = 0; j < steps; j++) {
    const cj = j * n;
    let norm = 0;
    for (let i = j; i < n; i++) norm += a[cj + i]! * a[cj + i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      rdiag[j] = 0;
      continue;
    }
    const alpha = a[cj + j]! > 0 ? -norm : norm;
    a[cj + j] = a[cj + j]! - alpha;
    let vv = 0;
    for (let i = j; i < n; i++) vv += a[cj + i]! * a[cj + i]!;
    const scale = Math.SQRT2 / Math.sqrt(vv);
    for (let i = j; i < n; i++) a[cj + i] = a[cj + i]! * scale;
    rdiag[j] = alpha;
    for (let k = j + 1; k < p; k++) {
      const ck = k * n;
      let s = 0;
      for (let i = j; i < n; i++) s += a[cj + i]! * a[ck + i]!;
      for (let i = j; i < n; i++) a[ck + i] = a[ck + i]! - s * a[cj + i]!;
    }
  }
  // M = R (p x p, column-major), V = I; rotate pairs of columns of M (and V) until orthogonal.
  const m = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < Math.min(k, steps); i++) m[k * p + i] = a[k * n + i]!;
    if (k < steps) m[k * p + k] = rdiag[k]!;
  }
  const v = new Float64Array(p * p);
  for (let k = 0; k < p; k++) v[k * p + k] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let j = 0; j < p - 1; j++) {
      for (let k = j + 1; k < p; k++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < p; i++) {
          const x = m[j * p + i]!;
          const y = m[k * p + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const w of [m, v]) {
          for (let i = 0; i < p; i++) {
            const x = w[j * p + i]!;
            const y = w[k * p + i]!;
            w[j * p + i] = c * x - s * y;
            w[k * p + i] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += m[j * p + i]! * m[j * p + i]!;
    sv[j] = Math.sqrt(s);
  }
  const smax = sv.reduce((x, y) => Math.max(x, y), 0);
  const keep = Array.from({ length: p }, (_, j) => j).filter((j) => sv[j]! > rcond * smax);
  // pinv rows: pinv[c] = sum over kept r of V[c][r] / s_r * (Q u_r).
  const pinv = new Float64Array(p * n);
  const qu = new Float64Array(n);
  for (const j of keep) {
    qu.fill(0);
    for (let i = 0; i < p; i++) qu[i] = m[j * p + i]! / sv[j]!;
    for (let h = steps - 1; h >= 0; h--) {
      if (rdiag[h] === 0) continue;
      const ch = h * n;
      let s = 0;
      for (let i = h; i < n; i++) s += a[ch + i]! * qu[i]!;
      for (let i = h; i < n; i++) qu[i] = qu[i]! - s * a[ch + i]!;
    }
    for (let c = 0; c < p; c++) {
      const w = v[j * p + c]! / sv[j]!;
      if (w === 0) continue;
      const off = c * n;
      for (let i = 0; i < n; i++) pinv[off + i] = pinv[off + i]! + w * qu[i]!;
    }
  }
  return { rank: keep.length, pinv, singularValues: Float64Array.from(keep, (j) => sv[j]!) };
}
