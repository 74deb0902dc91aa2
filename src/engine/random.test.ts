import * as assert from 'assert';
import { mixSeed, Random, RandomState } from './random';

describe('Random', () => {
  it('is xoshiro128**: matches the reference C implementation from state {1, 2, 3, 4}', () => {
    // Outputs 1–6 and 1001 of the authors' reference xoshiro128starstar.c, compiled and run.
    const random = Random.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    const outputs = Array.from({ length: 1001 }, () => random.nextUint32());
    assert.deepStrictEqual(outputs.slice(0, 6), [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    assert.strictEqual(outputs[1000], 136054147);
  });

  it('gives the same stream for the same seed on every machine (golden values: checkpoints depend on them)', () => {
    const random = new Random(42);
    assert.deepStrictEqual(
      Array.from({ length: 5 }, () => random.nextUint32()),
      [4050993494, 4173892741, 4108253290, 3962313172, 3328925180],
    );
    const normals = new Random(42);
    assert.strictEqual(normals.normal(), 1.4369871145864281);
    assert.strictEqual(normals.normal(), -0.4104422158486095);
    assert.strictEqual(mixSeed(42), 982562622);
  });

  it('gives different streams for different seeds and derived parts', () => {
    const first = (random: Random): number[] => Array.from({ length: 4 }, () => random.nextUint32());
    const streams = [new Random(0), new Random(1), new Random('0'), new Random(0, 'data-order', 0), new Random(0, 'data-order', 1)].map(first);
    const distinct = new Set(streams.map((s) => s.join(',')));
    assert.strictEqual(distinct.size, streams.length);
    assert.deepStrictEqual(first(new Random(7, 'x', 3)), first(new Random(7, 'x', 3)));
    assert.strictEqual(mixSeed(0), mixSeed(-0), '−0 and 0 are the same seed');
  });

  it('resumes exactly from a saved state, through JSON, even between the two deviates of a normal pair', () => {
    const random = new Random(2024);
    random.normal();
    random.uniform();
    random.normal();
    random.normal(); // a fresh pair: its second deviate waits in the state
    const saved: RandomState = JSON.parse(JSON.stringify(random.getState()));
    assert.notStrictEqual(saved.spareNormal, null);
    const draw = (r: Random): number[] => [r.normal(), r.uniform(), r.int(1000), ...r.fillNormal(new Float32Array(5)), r.normal()];
    const expected = draw(random);
    assert.deepStrictEqual(draw(Random.fromState(saved)), expected);
    const other = new Random(1);
    other.setState(saved);
    assert.deepStrictEqual(draw(other), expected);
  });

  const badStates: Array<[string, unknown]> = [
    ['another algorithm', { algorithm: 'mt19937', words: [1, 2, 3, 4], spareNormal: null }],
    ['three words', { algorithm: 'xoshiro128**', words: [1, 2, 3], spareNormal: null }],
    ['all-zero words', { algorithm: 'xoshiro128**', words: [0, 0, 0, 0], spareNormal: null }],
    ['a word out of range', { algorithm: 'xoshiro128**', words: [1, 2, 3, 2 ** 32], spareNormal: null }],
    ['a non-numeric spare', { algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: 'x' }],
  ];
  for (const [what, state] of badStates) {
    it(`refuses a saved state with ${what}`, () => {
      assert.throws(() => Random.fromState(state as RandomState), /Not a saved random state/);
    });
  }

  it('draws uniform numbers in [0, 1) and normals with mean 0 and standard deviation 1', () => {
    const random = new Random(5);
    const n = 100_000;
    const uniforms = random.fillUniform(new Float64Array(n));
    assert.ok(uniforms.every((u) => u >= 0 && u < 1));
    assert.ok(Math.abs(mean(uniforms) - 0.5) < 0.005);
    const normals = random.fillNormal(new Float64Array(n));
    assert.ok(Math.abs(mean(normals)) < 0.01, `mean ${mean(normals)}`);
    assert.ok(Math.abs(std(normals) - 1) < 0.01, `std ${std(normals)}`);
    const shifted = random.fillNormal(new Float32Array(n), 3, 0.5);
    assert.ok(Math.abs(mean(shifted) - 3) < 0.01 && Math.abs(std(shifted) - 0.5) < 0.01);
    const inRange = random.fillUniform(new Float32Array(1000), -2, 5);
    assert.ok(inRange.every((v) => v >= -2 && v <= 5) && Math.min(...inRange) < -1.5 && Math.max(...inRange) > 4.5);
  });

  it('draws integers in [0, n) evenly', () => {
    const random = new Random(11);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[random.int(7)]++;
    // Each count is Binomial(70000, 1/7): mean 10000, sd ≈ 93.
    assert.ok(counts.every((c) => Math.abs(c - 10_000) < 500), `counts ${counts}`);
    assert.strictEqual(random.int(1), 0);
    const big = random.int(2 ** 32);
    assert.ok(Number.isInteger(big) && big >= 0 && big < 2 ** 32);
    for (const bad of [0, -1, 2.5, 2 ** 32 + 1, Number.NaN]) assert.throws(() => random.int(bad), RangeError, `int(${bad})`);
  });

  it('shuffles into a permutation, reproducibly, differently for another seed', () => {
    const order = (seed: number): number[] => new Random(seed).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const a = order(1);
    assert.deepStrictEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.deepStrictEqual(order(1), a);
    assert.notDeepStrictEqual(order(2), a);
    assert.notDeepStrictEqual(a, Array.from({ length: 50 }, (_, i) => i));
    const typed = new Random(1).permutation(50);
    assert.deepStrictEqual(Array.from(typed), a, 'permutation(n) is shuffle of 0 … n−1');
  });

  it('puts every element in every position about equally often', () => {
    const random = new Random(3);
    const hits = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let t = 0; t < 40_000; t++) random.shuffle([0, 1, 2, 3]).forEach((value, position) => hits[value][position]++);
    for (const row of hits) for (const count of row) assert.ok(Math.abs(count - 10_000) < 400, `hits ${JSON.stringify(hits)}`);
  });

  it('forks independent streams deterministically', () => {
    const a = new Random(9);
    const b = new Random(9);
    const forkA = a.fork('latent');
    const forkB = b.fork('latent');
    assert.strictEqual(forkA.nextUint32(), forkB.nextUint32());
    assert.strictEqual(a.nextUint32(), b.nextUint32());
    assert.notStrictEqual(new Random(9).fork('latent').nextUint32(), new Random(9).fork('weights').nextUint32());
  });
});

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return Math.sqrt(sum / values.length);
}
