import * as assert from 'assert';
import { TOY_CLASSES } from '../../spec/analyze';
import type { Toy2dDistribution } from '../../spec/types';
import { Random } from '../random';
import { Batch, DataError, nearestToyMode, openDataSource, toyClasses, toyCoverage, toyModes } from './index';

const options = { specDir: '/nowhere', seed: 1, warn: () => assert.fail('toy data never warns') };

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

describe('toy2d data', () => {
  const cases: Array<{ distribution: Toy2dDistribution; modes: number; classes?: number }> = [
    { distribution: 'ring', modes: 8, classes: 8 },
    { distribution: 'grid', modes: 25, classes: 25 },
    { distribution: 'spiral', modes: 16 },
    { distribution: 'moons', modes: 16, classes: 2 },
  ];

  for (const { distribution, modes, classes } of cases) {
    it(`${distribution}: points lie near the modes, every mode is hit about equally, labels match`, async () => {
      const noise = 0.05;
      const source = await openDataSource({ kind: 'toy2d', distribution, noise, size: 5000 }, options);
      assert.deepStrictEqual(source.shape, [2]);
      assert.strictEqual(source.classes, classes);
      const [batch] = await collect(source.epoch(0, 5000));
      assert.strictEqual(batch.images.length, 10_000);

      const coverage = toyCoverage(distribution, batch.images, noise);
      assert.strictEqual(coverage.modeCount, modes);
      assert.strictEqual(coverage.modesCovered, modes);
      // Within 3σ: 98.9 % of a 2-D Gaussian (distance to a point), 99.7 % across a curve.
      assert.ok(coverage.nearFraction > 0.97, `near fraction ${coverage.nearFraction}`);
      const expected = (5000 * coverage.nearFraction) / modes;
      for (const count of coverage.pointsPerMode) assert.ok(Math.abs(count - expected) < 0.35 * expected, `per mode ${coverage.pointsPerMode}`);

      const modeSet = toyModes(distribution);
      const modeLabels = modeSet.labels;
      if (classes === undefined) {
        assert.strictEqual(batch.labels, undefined);
      } else {
        assert.ok(batch.labels && modeLabels);
        let agree = 0;
        for (let i = 0; i < batch.count; i++) {
          const { mode } = nearestToyMode(distribution, batch.images[2 * i], batch.images[2 * i + 1], modeSet);
          if (modeLabels[mode] === batch.labels[i]) agree++;
        }
        assert.ok(agree / batch.count > 0.99, `labels agree with the nearest mode for ${agree} of ${batch.count}`);
      }
    });
  }

  it('places the ring modes at radius 2, angles k·45°, and the grid at −4 … 4 step 2', () => {
    const ring = toyModes('ring').centres;
    ring.forEach(([x, y], k) => {
      assert.ok(Math.abs(Math.hypot(x, y) - 2) < 1e-12);
      assert.ok(Math.abs(Math.atan2(y, x) - normaliseAngle((k * Math.PI) / 4)) < 1e-12);
    });
    const grid = toyModes('grid').centres;
    const xs = [...new Set(grid.map(([x]) => x))].sort((a, b) => a - b);
    assert.deepStrictEqual(xs, [-4, -2, 0, 2, 4]);
    assert.deepStrictEqual(grid[7], [0, -2], 'label 7 = row 1, column 2');
  });

  it('scales the spread with noise', async () => {
    const spread = async (noise: number): Promise<number> => {
      const source = await openDataSource({ kind: 'toy2d', distribution: 'ring', noise, size: 4000 }, options);
      const [batch] = await collect(source.epoch(0, 4000));
      const distances = Array.from({ length: batch.count }, (_, i) => nearestToyMode('ring', batch.images[2 * i], batch.images[2 * i + 1]).distance);
      // The distance of a 2-D Gaussian point from its centre has RMS √2·σ.
      return Math.sqrt(distances.reduce((s, d) => s + d * d, 0) / distances.length) / Math.SQRT2;
    };
    for (const noise of [0.02, 0.1, 0.2]) {
      const measured = await spread(noise);
      assert.ok(Math.abs(measured - noise) < 0.1 * noise, `σ ${noise}: measured ${measured}`);
    }
  });

  it('is seeded: the same seed and epoch give the same batches, another epoch or seed others', async () => {
    const points = async (seed: number, epoch: number): Promise<number[]> => {
      const source = await openDataSource({ kind: 'toy2d', distribution: 'moons', size: 100 }, { ...options, seed });
      return (await collect(source.epoch(epoch, 10))).flatMap((b) => Array.from(b.images));
    };
    const a = await points(1, 0);
    assert.strictEqual(a.length, 200);
    assert.deepStrictEqual(await points(1, 0), a);
    assert.notDeepStrictEqual(await points(1, 1), a);
    assert.notDeepStrictEqual(await points(2, 0), a);
  });

  it('drops the last partial batch and can start mid-epoch', async () => {
    const source = await openDataSource({ kind: 'toy2d', distribution: 'grid', size: 103 }, options);
    assert.strictEqual(source.batchesPerEpoch(10), 10);
    const all = await collect(source.epoch(3, 10));
    assert.strictEqual(all.length, 10);
    assert.ok(all.every((b) => b.count === 10 && b.images.length === 20 && b.labels?.length === 10));
    const resumed = await collect(source.epoch(3, 10, { startBatch: 7 }));
    assert.deepStrictEqual(resumed, all.slice(7));
    assert.throws(() => source.epoch(0, 104), (e: Error) => e instanceof DataError && /103 points, fewer than one batch of 104/.test(e.message));
  });

  it('samples with the caller\'s generator', async () => {
    const source = await openDataSource({ kind: 'toy2d', distribution: 'ring' }, options);
    assert.strictEqual(source.size, 10_000, 'default size');
    const a = await source.sample(32, new Random(5));
    const b = await source.sample(32, new Random(5));
    assert.strictEqual(a.count, 32);
    assert.deepStrictEqual(a, b);
    assert.ok(/ring: 8 Gaussians .* noise σ 0\.05; 10000 fresh points per epoch, labels 0–7/.test(source.describe()), source.describe());
  });

  it('measures mode collapse: a generator stuck on one mode covers 1 of 8', () => {
    const collapsed = new Float32Array(200);
    for (let i = 0; i < 100; i++) collapsed.set([2 + 0.01 * Math.sin(i), 0.01 * Math.cos(i)], 2 * i);
    const coverage = toyCoverage('ring', collapsed);
    assert.strictEqual(coverage.modesCovered, 1);
    assert.strictEqual(coverage.pointsPerMode[0], 100);
    assert.strictEqual(toyCoverage('ring', new Float32Array([0, 0, 10, 10])).nearFraction, 0);
  });

  it('agrees with the spec checker on which distributions have how many classes', () => {
    for (const distribution of ['ring', 'grid', 'spiral', 'moons'] as const) assert.strictEqual(toyClasses(distribution), TOY_CLASSES[distribution]);
  });

  const invalid: Array<[string, object, RegExp]> = [
    ['a shape other than [2]', { kind: 'toy2d', distribution: 'ring', shape: [3] }, /data\.shape of toy2d data is always \[2\]/],
    ['an unknown distribution', { kind: 'toy2d', distribution: 'swiss' }, /data\.distribution must be one of ring, grid, spiral, moons/],
    ['zero noise', { kind: 'toy2d', distribution: 'ring', noise: 0 }, /data\.noise must be a positive number/],
  ];
  for (const [what, data, message] of invalid) {
    it(`rejects ${what}`, async () => {
      await assert.rejects(openDataSource(data as never, options), (e: Error) => e instanceof DataError && message.test(e.message));
    });
  }
});

function normaliseAngle(angle: number): number {
  return Math.atan2(Math.sin(angle), Math.cos(angle));
}
