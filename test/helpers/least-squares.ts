/** The closed-form least-squares fit [w, b] = argmin Σ (x·w + b - y)², by the normal equations in float64. */
export function leastSquares(features: ArrayLike<number>, targets: ArrayLike<number>, rows: number, dims: number): Float64Array {
  const n = dims + 1;
  const a = Array.from({ length: n }, () => new Float64Array(n + 1));
  for (let r = 0; r < rows; r++) {
    const x = Array.from({ length: n }, (_, j) => (j < dims ? features[r * dims + j]! : 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![n]! += x[i]! * targets[r]!;
    }
  }
  // Gaussian elimination with partial pivoting
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i]![n]! / a[i]![i]!);
}
