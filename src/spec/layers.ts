/**
 * Shape inference and parameter counts for one layer, following TensorFlow's and
 * PyTorch's arithmetic exactly (shapes are NHWC without the batch dimension).
 *
 * Each case below says how its numbers come about, so that a reader can check a count by
 * hand against Keras' `summary()` or PyTorch's `numel()`.
 */
import { ProblemCode, Severity } from './problems';
import { LayerSpec, LayerType, Padding, Shape, Size2 } from './types';

/** What flows along an edge: a float tensor, or integer class labels (before an embedding). */
export interface TensorInfo {
  shape: Shape;
  kind: 'float' | 'label';
}

export interface LayerIssue {
  code: ProblemCode;
  message: string;
  severity: Severity;
  /** The layer key to point at (e.g. `kernel`); the layer's `type` when absent. */
  key?: string;
}

export interface LayerResult {
  /** Undefined when the output cannot be computed (an error, reported in `issues`). */
  output?: TensorInfo;
  trainableParams: number;
  nonTrainableParams: number;
  issues: LayerIssue[];
}

/** Layers that take several inputs. */
export const MERGE_LAYERS: ReadonlySet<LayerType> = new Set<LayerType>(['concat', 'add']);

export function pair(size: Size2 | undefined, fallback: number): [number, number] {
  if (size === undefined) return [fallback, fallback];
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/** Explicit padding as [[top, bottom], [left, right]], or 'same'. */
export function paddingPairs(padding: Padding | undefined): 'same' | [[number, number], [number, number]] {
  if (padding === undefined || padding === 'valid') return [[0, 0], [0, 0]];
  if (padding === 'same') return 'same';
  if (typeof padding === 'number') return [[padding, padding], [padding, padding]];
  if (typeof padding[0] === 'number') {
    const [ph, pw] = padding as [number, number];
    return [[ph, ph], [pw, pw]];
  }
  return padding as [[number, number], [number, number]];
}

const product = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
export const formatShape = (shape: Shape) => `[${shape.join(', ')}]`;
const AXES = ['height', 'width'];

export function inferLayer(layer: LayerSpec, inputs: TensorInfo[]): LayerResult {
  const issues: LayerIssue[] = [];
  const fail = (code: ProblemCode, message: string, key?: string): LayerResult => {
    issues.push({ code, message, severity: 'error', key });
    return { trainableParams: 0, nonTrainableParams: 0, issues };
  };
  const ok = (shape: Shape, trainableParams = 0, nonTrainableParams = 0): LayerResult => ({
    output: { shape, kind: 'float' },
    trainableParams,
    nonTrainableParams,
    issues,
  });

  // Class labels are integers: only an embedding may read them.
  if (layer.type === 'embedding') {
    const input = inputs[0];
    if (input.kind !== 'label') {
      return fail('embedding-needs-label', `An embedding looks up class labels, but its input is ${formatShape(input.shape)} of floats. Give it "inputs": ["label"].`, 'inputs');
    }
    // [1] → [1, outputDim], as Keras' Embedding on an Input(shape=(1,)).
    return ok([...input.shape, layer.outputDim], layer.inputDim * layer.outputDim);
  }
  const labelInput = inputs.find((i) => i.kind === 'label');
  if (labelInput) {
    return fail('label-needs-embedding', `The class label is an integer index; pass it through an embedding layer before a ${layer.type} layer.`, 'inputs');
  }

  const x = inputs[0].shape;
  const needsImage = (): boolean => {
    if (x.length === 3) return true;
    issues.push({
      code: 'rank-mismatch',
      severity: 'error',
      message: `${layer.type} needs an image-like input [height, width, channels], but gets ${formatShape(x)}.${x.length === 1 ? ' Add a reshape layer first, e.g. "shape": [1, 1, ' + x[0] + '].' : ''}`,
    });
    return false;
  };

  switch (layer.type) {
    case 'dense': {
      // Applies to the last axis: weights n·units, plus one bias per unit.
      const n = x[x.length - 1];
      const bias = layer.useBias === false ? 0 : layer.units;
      return ok([...x.slice(0, -1), layer.units], n * layer.units + bias);
    }

    case 'reshape': {
      const total = product(x);
      const unknown = layer.shape.filter((d) => d === -1).length;
      if (unknown > 1) return fail('reshape-size-mismatch', 'Only one entry of a reshape may be -1.', 'shape');
      const known = product(layer.shape.filter((d) => d !== -1));
      if (layer.shape.some((d) => d === 0)) return fail('size-vanishes', 'A reshape size of 0 holds nothing.', 'shape');
      if (unknown === 1) {
        if (total % known !== 0) {
          return fail('reshape-size-mismatch', `Cannot reshape ${formatShape(x)} (${total} values) into ${formatShape(layer.shape)}: ${total} is not divisible by ${known}.`, 'shape');
        }
        return ok(layer.shape.map((d) => (d === -1 ? total / known : d)));
      }
      if (known !== total) {
        return fail('reshape-size-mismatch', `Cannot reshape ${formatShape(x)} (${total} values) into ${formatShape(layer.shape)} (${known} values).`, 'shape');
      }
      return ok([...layer.shape]);
    }

    case 'flatten':
      return ok([product(x)]);

    case 'conv2d': {
      if (!needsImage()) return { trainableParams: 0, nonTrainableParams: 0, issues };
      const [kh, kw] = pair(layer.kernel, 1);
      const strides = pair(layer.stride, 1);
      const dilations = pair(layer.dilation, 1);
      const pads = paddingPairs(layer.padding);
      const out: number[] = [];
      // Axes where the stride does not divide evenly: the last rows/columns are never seen.
      const dropped: { axis: string; rest: number }[] = [];
      for (let axis = 0; axis < 2; axis++) {
        const size = x[axis];
        const k = axis === 0 ? kh : kw;
        const s = strides[axis];
        if (pads === 'same') {
          // TensorFlow 'same': pad so that out = ceil(in / stride).
          out.push(Math.ceil(size / s));
          continue;
        }
        // Effective kernel with dilation d spans d·(k − 1) + 1 pixels.
        const span = dilations[axis] * (k - 1) + 1;
        const padded = size + pads[axis][0] + pads[axis][1];
        if (span > padded) {
          return fail('kernel-too-large', `The kernel spans ${span} pixels in ${AXES[axis]} but the input is only ${padded} ${axis === 0 ? 'high' : 'wide'}${padded !== size ? ' after padding' : ''} (input ${formatShape(x)}). Use a smaller kernel, more padding, or "same".`, 'kernel');
        }
        // floor((in + pads − span) / stride) + 1, as both frameworks compute it.
        const rest = (padded - span) % s;
        if (rest !== 0) dropped.push({ axis: AXES[axis], rest });
        out.push(Math.floor((padded - span) / s) + 1);
      }
      if (dropped.length > 0) {
        const axes = dropped.map((d) => d.axis).join(' and ');
        const counts = [...new Set(dropped.map((d) => d.rest))].join('/');
        issues.push({
          code: 'size-fractional',
          severity: 'warning',
          message: `Stride ${strides.join('×')} does not divide the ${axes} evenly: the last ${counts} row(s)/column(s) of the ${formatShape(x)} input are never seen (output ${out[0]}×${out[1]}). Adjust padding or kernel so that (size + padding − kernel) is a multiple of the stride.`,
          key: 'stride',
        });
      }
      const cin = x[2];
      const weights = kh * kw * cin * layer.filters;
      const bias = layer.useBias === false ? 0 : layer.filters;
      return ok([out[0], out[1], layer.filters], weights + bias);
    }

    case 'conv2dTranspose': {
      if (!needsImage()) return { trainableParams: 0, nonTrainableParams: 0, issues };
      const kernel = pair(layer.kernel, 1);
      const strides = pair(layer.stride, 1);
      const outputPadding = pair(layer.outputPadding, 0);
      const pads = paddingPairs(layer.padding);
      if (pads === 'same' && (outputPadding[0] > 0 || outputPadding[1] > 0)) {
        return fail('output-padding-with-same', 'outputPadding only applies with "valid" or explicit padding; with "same" the output is input × stride.', 'outputPadding');
      }
      const out: number[] = [];
      for (let axis = 0; axis < 2; axis++) {
        const s = strides[axis];
        if (pads === 'same') {
          // TensorFlow 'same': the inverse of a 'same' convolution, out = in · stride.
          out.push(x[axis] * s);
          continue;
        }
        if (outputPadding[axis] >= s) {
          return fail('output-padding-too-large', `outputPadding ${outputPadding[axis]} must be smaller than the stride ${s} (it chooses among the ${s} output sizes a stride-${s} convolution maps onto the same input size).`, 'outputPadding');
        }
        // PyTorch: (in − 1)·stride + kernel − padBefore − padAfter + outputPadding.
        const size = (x[axis] - 1) * s + kernel[axis] - pads[axis][0] - pads[axis][1] + outputPadding[axis];
        if (size <= 0) {
          return fail('size-vanishes', `The output ${AXES[axis]} would be ${size}: the padding crops more than the transposed convolution makes. Reduce the padding.`, 'padding');
        }
        out.push(size);
      }
      const cin = x[2];
      const weights = kernel[0] * kernel[1] * cin * layer.filters;
      const bias = layer.useBias === false ? 0 : layer.filters;
      return ok([out[0], out[1], layer.filters], weights + bias);
    }

    case 'batchNorm': {
      // Per channel (last axis): γ and β are trained; the moving mean and variance are not.
      const c = x[x.length - 1];
      return ok([...x], 2 * c, 2 * c);
    }

    case 'instanceNorm': {
      if (!needsImage()) return { trainableParams: 0, nonTrainableParams: 0, issues };
      const c = x[2];
      return ok([...x], layer.affine === false ? 0 : 2 * c);
    }

    case 'layerNorm': {
      // Keras LayerNormalization(axis=-1): γ and β over the last axis.
      const c = x[x.length - 1];
      return ok([...x], 2 * c);
    }

    case 'upsample': {
      if (!needsImage()) return { trainableParams: 0, nonTrainableParams: 0, issues };
      const [fh, fw] = pair(layer.factor, 2);
      return ok([x[0] * fh, x[1] * fw, x[2]]);
    }

    case 'zeroPad': {
      if (!needsImage()) return { trainableParams: 0, nonTrainableParams: 0, issues };
      const pads = paddingPairs(layer.padding) as [[number, number], [number, number]];
      return ok([x[0] + pads[0][0] + pads[0][1], x[1] + pads[1][0] + pads[1][1], x[2]]);
    }

    case 'concat':
      return inferConcat(layer.axis ?? -1, inputs, issues);

    case 'add': {
      const mismatch = inputs.find((i) => !sameShape(i.shape, x));
      if (mismatch) {
        return fail('merge-shape-mismatch', `add needs inputs of one shape, but gets ${inputs.map((i) => formatShape(i.shape)).join(' and ')}.`, 'with');
      }
      return ok([...x]);
    }

    case 'dropout':
    case 'relu':
    case 'leakyRelu':
    case 'tanh':
    case 'sigmoid':
    case 'elu':
    case 'selu':
    case 'linear':
      return ok([...x]);
  }
}

function inferConcat(axis: number, inputs: TensorInfo[], issues: LayerIssue[]): LayerResult {
  const rank = inputs[0].shape.length;
  const failed = (message: string, key = 'with'): LayerResult => {
    issues.push({ code: 'merge-shape-mismatch', severity: 'error', message, key });
    return { trainableParams: 0, nonTrainableParams: 0, issues };
  };
  const shapes = inputs.map((i) => formatShape(i.shape)).join(' and ');
  if (inputs.some((i) => i.shape.length !== rank)) {
    return failed(`concat needs inputs of the same rank, but gets ${shapes}.`);
  }
  const a = axis < 0 ? rank + axis : axis;
  if (a < 0 || a >= rank) return failed(`axis ${axis} does not exist for inputs of rank ${rank}.`, 'axis');
  for (let d = 0; d < rank; d++) {
    if (d === a) continue;
    const sizes = inputs.map((i) => i.shape[d]);
    if (sizes.some((s) => s !== sizes[0])) {
      return failed(`concat along axis ${axis} needs all other axes to agree, but gets ${shapes} (axis ${d} differs).`);
    }
  }
  const out = [...inputs[0].shape];
  out[a] = inputs.reduce((sum, i) => sum + i.shape[a], 0);
  return { output: { shape: out, kind: 'float' }, trainableParams: 0, nonTrainableParams: 0, issues };
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A compact description for diagrams and tables, e.g. `conv2d 4×4 /2 64`. */
export function layerSummary(layer: LayerSpec): string {
  const size = (s: Size2 | undefined, fallback: number) => {
    const [h, w] = pair(s, fallback);
    return h === w ? `${h}` : `${h}×${w}`;
  };
  const kernelText = (k: Size2) => {
    const [h, w] = pair(k, 1);
    return `${h}×${w}`;
  };
  const padText = (p: Padding | undefined) => (p === undefined || p === 'valid' ? '' : p === 'same' ? ' same' : ` pad ${JSON.stringify(p)}`);
  const act = (a: string | undefined) => (a && a !== 'linear' ? ` ${a}` : '');
  const noBias = (b: boolean | undefined) => (b === false ? ' no-bias' : '');
  switch (layer.type) {
    case 'dense':
      return `dense ${layer.units}${noBias(layer.useBias)}${act(layer.activation)}`;
    case 'reshape':
      return `reshape ${formatShape(layer.shape)}`;
    case 'conv2d':
      return `conv2d ${kernelText(layer.kernel)} /${size(layer.stride, 1)} ${layer.filters}${padText(layer.padding)}${noBias(layer.useBias)}${act(layer.activation)}`;
    case 'conv2dTranspose':
      return `conv2dTranspose ${kernelText(layer.kernel)} ×${size(layer.stride, 1)} ${layer.filters}${padText(layer.padding)}${noBias(layer.useBias)}${act(layer.activation)}`;
    case 'dropout':
      return `dropout ${layer.rate}`;
    case 'leakyRelu':
      return `leakyRelu ${layer.alpha ?? 0.2}`;
    case 'upsample':
      return `upsample ×${size(layer.factor, 2)} ${layer.interpolation ?? 'nearest'}`;
    case 'zeroPad':
      return `zeroPad ${JSON.stringify(layer.padding)}`;
    case 'embedding':
      return `embedding ${layer.inputDim}→${layer.outputDim}`;
    case 'concat':
      return layer.axis === undefined || layer.axis === -1 ? 'concat' : `concat axis ${layer.axis}`;
    default:
      return layer.type;
  }
}
