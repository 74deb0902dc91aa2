/**
 * A problem found in a `.gan.json` file: what is wrong, how to fix it, and exactly where.
 *
 * Every check in the spec core reports through this one type, so the CLI, the editor's
 * diagnostics and the diagram all show the same message at the same place.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Where the problem was found: the JSON text, the schema, or the GAN's meaning. */
export type ProblemOrigin = 'syntax' | 'schema' | 'semantic';

/** A location in the JSON document as keys and array indices, e.g. `['generator', 'layers', 3, 'kernel']`. */
export type JsonPath = (string | number)[];

export interface Problem {
  /** Stable identifier, e.g. `generator-output-mismatch`; listed in `PROBLEM_CODES`. */
  code: ProblemCode;
  severity: Severity;
  message: string;
  origin: ProblemOrigin;
  /** The JSON location the problem belongs to (empty for the whole file). */
  path: JsonPath;
  /** Character offsets of the highlighted text: [start, end). */
  start: number;
  end: number;
}

/** Every problem code with a one-line explanation (shown by `gan-studio validate --codes`). */
export const PROBLEM_CODES = {
  // The text itself
  'empty-file': 'The file is empty.',
  'json-syntax': 'The text is not valid JSON (comments and trailing commas are allowed).',
  'too-deep': 'Values are nested deeper than any GAN needs; probably junk.',
  'duplicate-key': 'The same key appears twice in one object.',
  // The schema
  'wrong-type': 'A value has the wrong JSON type.',
  'missing-key': 'A required key is missing.',
  'unknown-key': 'A key the format does not know (often a typo).',
  'bad-value': 'A value is not one of the allowed ones.',
  'out-of-range': 'A number is outside its allowed range (0 filters, a negative rate, dropout ≥ 1…).',
  'bad-length': 'An array has too few or too many items.',
  // Layer graphs
  'duplicate-id': 'Two layers of one network share an id.',
  'reserved-id': 'A layer id is one of the network input names.',
  'unknown-input': 'A layer takes input from an id that does not exist.',
  'input-unavailable': 'A layer takes a network input that this GAN does not have.',
  'inputs-conflict': 'A layer gives both `inputs` and `with`.',
  'input-count': 'A layer has the wrong number of inputs.',
  cycle: 'Layers feed each other in a loop.',
  'unused-layer': 'A layer\'s output goes nowhere.',
  'unknown-output': 'The network\'s `output` names no layer.',
  // Shapes
  'rank-mismatch': 'A layer needs an input of another rank (e.g. conv2d on a vector).',
  'merge-shape-mismatch': 'concat/add inputs whose shapes do not fit together.',
  'kernel-too-large': 'A kernel is larger than its (padded) input.',
  'size-vanishes': 'A spatial size becomes zero or negative.',
  'size-fractional': 'A strided layer does not divide its input evenly and drops rows/columns.',
  'reshape-size-mismatch': 'A reshape target does not hold the same number of elements.',
  'output-padding-too-large': 'outputPadding must be smaller than the stride.',
  'output-padding-with-same': 'outputPadding only applies with valid or explicit padding.',
  'label-needs-embedding': 'A class label (an integer) goes into a layer other than embedding.',
  'embedding-needs-label': 'An embedding reads something other than the class label.',
  // The GAN as a whole
  'generator-output-mismatch': 'The generator does not make samples of the data\'s shape.',
  'discriminator-input-mismatch': 'The discriminator\'s declared inputShape differs from the data\'s shape.',
  'generator-input-mismatch': 'The generator\'s declared inputShape differs from the latent vector or source image.',
  'discriminator-output': 'The discriminator does not end in one score or a patch map of scores.',
  'generator-without-input': 'The generator has nothing to start from (no latent, no source image).',
  'source-unused': 'Paired data gives the generator an input image that no layer reads.',
  'condition-unused': 'A condition is declared but no layer reads `label`.',
  'condition-needs-labels': 'A condition needs labelled data.',
  'classes-mismatch': 'A class count disagrees with the condition or the data.',
  'loss-needs-paired-data': 'The L1 term compares G(x) to a target y, which only paired data has.',
  'option-ignored': 'An option that the chosen loss does not use.',
  'critic-sigmoid': 'A Wasserstein critic must output an unbounded score, not a probability.',
  'missing-duration': 'Training needs `steps` or `epochs`.',
  'duration-conflict': 'Training gives both `steps` and `epochs`.',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
