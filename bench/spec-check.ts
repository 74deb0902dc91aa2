/**
 * How fast the spec core checks a large file: the editor re-checks on every pause in
 * typing, so a 500-layer file must take well under 10 ms. Prints medians; no assertions
 * (speed targets live here, not in tests).
 */
import { performance } from 'node:perf_hooks';
import { analyzeText } from '../src/spec/analyze';
import { toDiagramModel } from '../src/spec/diagram';

/** A 500-layer generator: conv blocks with a skip every 5 layers, on 16×16×32 maps. */
export function fiveHundredLayerSpec(): string {
  const layers: string[] = ['{ "type": "dense", "units": 8192 }', '{ "type": "reshape", "shape": [16, 16, 32], "id": "b0" }'];
  let block = 0;
  while (layers.length < 497) {
    layers.push('{ "type": "conv2d", "filters": 32, "kernel": 3, "padding": "same", "useBias": false }');
    layers.push('{ "type": "batchNorm" }');
    layers.push('{ "type": "leakyRelu", "alpha": 0.2 }');
    layers.push(`{ "type": "add", "with": ["b${block}"] }`);
    block++;
    layers.push(`{ "type": "linear", "id": "b${block}" }`);
  }
  layers.push('{ "type": "upsample" }', '{ "type": "conv2d", "filters": 3, "kernel": 3, "padding": "same", "activation": "tanh" }');
  const opt = '{ "kind": "adam", "learningRate": 0.0002, "beta1": 0.5 }';
  return `{
  "data": { "kind": "imageFolder", "folder": "x", "shape": [32, 32, 3] },
  "latent": { "size": 128 },
  "generator": { "layers": [
    ${layers.join(',\n    ')}
  ] },
  "discriminator": { "layers": [ { "type": "conv2d", "filters": 64, "kernel": 4, "stride": 2, "padding": 1 }, { "type": "leakyRelu" }, { "type": "flatten" }, { "type": "dense", "units": 1 } ] },
  "loss": { "kind": "hinge" },
  "training": { "batchSize": 64, "steps": 1000, "generatorOptimizer": ${opt}, "discriminatorOptimizer": ${opt} }
}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchSpecCheck(print: (line: string) => void = console.log): { layers: number; checkMs: number; diagramMs: number } {
  const text = fiveHundredLayerSpec();
  const first = analyzeText(text);
  const layers = (first.generator?.layers.length ?? 0) + (first.discriminator?.layers.length ?? 0);
  if (first.problems.length > 0) throw new Error(`the benchmark spec has problems: ${first.problems[0].message}`);
  for (let i = 0; i < 20; i++) analyzeText(text); // warm-up (JIT)
  const check: number[] = [];
  const diagram: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const analysis = analyzeText(text);
    const t1 = performance.now();
    toDiagramModel(analysis, 'file:///bench.gan.json', 'bench.gan.json');
    const t2 = performance.now();
    check.push(t1 - t0);
    diagram.push(t2 - t1);
  }
  const result = { layers, checkMs: median(check), diagramMs: median(diagram) };
  print(`spec check, ${layers} layers (${(text.length / 1024).toFixed(0)} KiB): ${result.checkMs.toFixed(2)} ms median (target < 10 ms: ${(10 / result.checkMs).toFixed(1)}× under); diagram model +${result.diagramMs.toFixed(2)} ms`);
  return result;
}

if (require.main === module) benchSpecCheck();
