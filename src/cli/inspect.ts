/** `gan-studio inspect FILE`: a per-layer table of both networks, like Keras' summary(). */
import { analyzeText, formatShape, hasErrors, NetworkInfo } from '../spec';
import { CliCommand, parseArgs, UsageError } from './command';
import { readSpecFile } from './validate';

export interface NetworkJson {
  outputShape: number[] | null;
  trainableParams: number;
  nonTrainableParams: number;
  complete: boolean;
  inputs: { name: string; shape: number[] | null }[];
  layers: {
    id: string;
    type: string;
    summary: string;
    inputs: string[];
    outputShape: number[] | null;
    trainableParams: number;
    nonTrainableParams: number;
  }[];
}

export function networkAsJson(info: NetworkInfo): NetworkJson {
  return {
    outputShape: info.outputShape ?? null,
    trainableParams: info.trainableParams,
    nonTrainableParams: info.nonTrainableParams,
    complete: info.complete,
    inputs: info.inputs.map((i) => ({ name: i.name, shape: i.shape ?? null })),
    layers: info.layers.map((l) => ({
      id: l.key,
      type: l.type,
      summary: l.summary,
      inputs: l.inputs,
      outputShape: l.outputShape ?? null,
      trainableParams: l.trainableParams,
      nonTrainableParams: l.nonTrainableParams,
    })),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

function table(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

export function networkTable(title: string, info: NetworkInfo): string {
  const rows = [['#', 'id', 'layer', 'inputs', 'output shape', 'trainable', 'non-trainable']];
  for (const l of info.layers) {
    const implicitInput = l.inputs.length === 1 && (l.index === 0 ? true : l.inputs[0] === `#${l.index - 1}` || info.layers[l.index - 1]?.key === l.inputs[0]);
    rows.push([
      String(l.index),
      l.id ?? '',
      l.summary || l.type,
      implicitInput && l.index > 0 ? '' : l.inputs.join(', '),
      l.outputShape ? formatShape(l.outputShape) : '?',
      count(l.trainableParams),
      count(l.nonTrainableParams),
    ]);
  }
  const rule = '─'.repeat(Math.max(...table(rows, new Set()).split('\n').map((line) => line.length)));
  const inputs = info.inputs.map((i) => `${i.name} ${i.shape ? formatShape(i.shape) : '?'}`).join(', ');
  return [
    `${title}  (inputs: ${inputs || 'none'})`,
    rule,
    table(rows, new Set([0, 5, 6])),
    rule,
    `output ${info.outputShape ? formatShape(info.outputShape) : '?'}   trainable ${count(info.trainableParams)}   non-trainable ${count(info.nonTrainableParams)}${info.complete ? '' : '   (incomplete: fix the errors above)'}`,
  ].join('\n');
}

export const inspectCommand: CliCommand = {
  summary: 'print both networks layer by layer with shapes and parameter counts',
  usage: `gan-studio inspect FILE [--json]

Prints the generator and the discriminator layer by layer: output shape (NHWC without
the batch dimension), trainable and non-trainable parameters, and totals — the numbers
Keras' summary() and PyTorch's numel() give for the same architecture.
Exit code 1 when the file has errors (what can be computed is still printed).

  --json   print {"generator":{"outputShape","trainableParams","nonTrainableParams",
           "layers":[…]},"discriminator":{…}}`,
  async run(args, io) {
    const parsed = parseArgs(args, { booleans: ['json'] });
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one .gan.json file');
    const file = parsed.positional[0];
    const analysis = analyzeText(readSpecFile(file));
    const errors = analysis.problems.filter((p) => p.severity === 'error');
    for (const p of errors) {
      const at = analysis.lines.positionAt(p.start);
      io.stderr(`${file}:${at.line + 1}:${at.character + 1}: error: ${p.message} [${p.code}]\n`);
    }
    if (parsed.flags.has('json')) {
      const json = {
        generator: analysis.generator ? networkAsJson(analysis.generator) : null,
        discriminator: analysis.discriminator ? networkAsJson(analysis.discriminator) : null,
      };
      io.stdout(JSON.stringify(json, null, 2) + '\n');
    } else {
      const name = typeof analysis.spec?.name === 'string' ? analysis.spec.name : file;
      io.stdout(`${name}\ndata ${analysis.dataShape ? formatShape(analysis.dataShape) : '?'}\n\n`);
      if (analysis.generator) io.stdout(networkTable('Generator', analysis.generator) + '\n\n');
      if (analysis.discriminator) io.stdout(networkTable('Discriminator', analysis.discriminator) + '\n');
    }
    return hasErrors(analysis.problems) ? 1 : 0;
  },
};
