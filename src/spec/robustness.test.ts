/** Whatever the text, the checker returns problems and never throws. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from './analyze';

const dcgan = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'dcgan-mnist.gan.json'), 'utf8');

/** A deterministic generator of pseudo-random numbers for mutations. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('robustness', function () {
  this.timeout(120_000);
  it('a 5 MB file: analysed, with problems located, without throwing', () => {
    const layer = '{ "type": "dense", "units": 4 },\n';
    const big = dcgan.replace('{ "type": "reshape"', layer.repeat(Math.ceil(5_000_000 / layer.length)) + '{ "type": "reshape"');
    assert.ok(big.length > 5_000_000);
    const analysis = analyzeText(big);
    assert.ok(analysis.generator!.layers.length > 100_000);
    assert.deepEqual(analysis.problems.map((p) => p.code), ['reshape-size-mismatch']);
  });

  it('junk of every JSON type in every section', () => {
    for (const junk of ['null', '0', '"x"', '[]', '{}', 'true', '[[[[1]]]]', '{"a":{"b":{"c":[null]}}}']) {
      for (const section of ['data', 'latent', 'condition', 'generator', 'discriminator', 'loss', 'training']) {
        const text = dcgan.includes(`"${section}": `)
          ? dcgan.replace(`"${section}": `, `"${section}": ${junk}, "_${section}": `)
          : dcgan.replace('{', `{ "${section}": ${junk},`);
        const analysis = analyzeText(text);
        assert.ok(analysis.problems.length > 0, `${section} = ${junk}`);
      }
      const layers = dcgan.replace('"layers": [', `"layers": [ ${junk}, `);
      assert.ok(analyzeText(layers).problems.length > 0);
    }
  });

  it('10,000 random mutations of a valid file', () => {
    const random = lcg(42);
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '-1', '0', '1e400', 'null', '"type"', '"inputs": ["x"]', '"with"', '/*', '//', '\\u12', '\n'];
    for (let i = 0; i < 10_000; i++) {
      let text = dcgan;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * text.length);
        const cut = Math.floor(random() * 20);
        text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + cut);
      }
      const analysis = analyzeText(text);
      for (const p of analysis.problems) {
        assert.ok(p.start >= 0 && p.end >= p.start && p.end <= text.length, `range of ${p.code} within the text`);
        assert.ok(p.message.length > 0);
      }
    }
  });

  it('binary garbage', () => {
    const random = lcg(7);
    for (let i = 0; i < 200; i++) {
      const text = Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
      assert.ok(analyzeText(text).problems.length > 0);
    }
  });
});
