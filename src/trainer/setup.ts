/**
 * What every trainer job does first: read and check the spec, and start a backend.
 */
import type { Analysis } from '../spec/analyze';
import { analyzeText } from '../spec';
import type { BackendReport } from '../protocol';
import { BackendChoice, kernelsForLayerTypes, parseBackendChoice, resolveBackend } from '../engine/backend';
import type { BackendJobOptions } from './job';

/** A failure the user can act on: printed as it is, without a stack trace. */
export class JobError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** The analysed spec, or a JobError listing its errors as `file:line:col: message`. */
export function checkedSpec(text: string, file: string): Analysis {
  const analysis = analyzeText(text);
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !analysis.spec || !analysis.generator?.complete || !analysis.discriminator?.complete) {
    const lines = errors.map((p) => {
      const at = analysis.lines.positionAt(p.start);
      return `${file}:${at.line + 1}:${at.character + 1}: error: ${p.message} [${p.code}]`;
    });
    throw new JobError(`${file} has ${errors.length || 'some'} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} before training.`, lines.join('\n'));
  }
  return analysis;
}

export async function startBackend(options: BackendJobOptions, analysis: Analysis): Promise<BackendReport> {
  const choice: BackendChoice | undefined = options.backend === undefined ? 'auto' : parseBackendChoice(options.backend);
  if (!choice) throw new JobError(`Unknown backend "${options.backend}": use auto, tfjs-node-gpu (gpu), tfjs-node (node), wasm or cpu.`);
  const types = [...(analysis.generator?.layers ?? []), ...(analysis.discriminator?.layers ?? [])].map((l) => l.type);
  try {
    return await resolveBackend({ choice, searchPaths: options.tfjsPaths, requiredKernels: kernelsForLayerTypes(types) });
  } catch (error) {
    const report = (error as { report?: BackendReport }).report;
    throw new JobError((error as Error).message, report?.notes.join('\n'));
  }
}
