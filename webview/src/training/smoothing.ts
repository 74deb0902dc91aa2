/**
 * TensorBoard's smoothing: an exponential moving average debiased like Adam's moments, so
 * the first points are not dragged towards zero. Gaps (null, NaN) stay gaps and do not
 * reset the average.
 */
export function smoothSeries(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  if (weight <= 0) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || !Number.isFinite(value)) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * value;
    count++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, count);
    out[i] = last / debias;
  }
  return out;
}
