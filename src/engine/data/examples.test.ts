import * as assert from 'assert';
import { Random } from '../random';
import { Example, ExampleReader, ExampleSource } from './examples';
import { Batch, DataError } from './types';

/**
 * A reader of `count` one-value examples (value = index) whose reads finish after random delays
 * and where the indices in `corrupt` fail: what a folder of images on a busy disk looks like.
 */
class SlowReader implements ExampleReader {
  readonly started: number[] = [];
  private readonly bad = new Set<number>();
  private readonly delays: Random;

  constructor(
    readonly count: number,
    private readonly corrupt: Set<number>,
    delaySeed: number,
  ) {
    this.delays = new Random(delaySeed);
  }

  get badCount(): number {
    return this.bad.size;
  }

  isBad(index: number): boolean {
    return this.bad.has(index);
  }

  async read(index: number): Promise<Example | null> {
    this.started.push(index);
    await new Promise((resolve) => setTimeout(resolve, this.delays.int(4)));
    if (this.corrupt.has(index)) {
      this.bad.add(index);
      return null;
    }
    return { image: Uint8Array.of(index), label: index % 3 };
  }

  async close(): Promise<void> {}
}

function sourceOver(reader: ExampleReader, seed = 1): ExampleSource {
  return new ExampleSource(
    { kind: 'imageFolder', shape: [1, 1, 1], hasLabels: true, classes: 3, noun: 'images', describe: () => 'test' },
    reader,
    seed,
    4,
  );
}

async function indicesOf(batches: AsyncIterable<Batch>): Promise<number[][]> {
  const result: number[][] = [];
  for await (const batch of batches) {
    const indices = Array.from(batch.images, (v) => Math.round((v + 1) * 127.5));
    assert.deepStrictEqual(Array.from(batch.labels ?? []), indices.map((i) => i % 3), 'labels travel with their examples');
    result.push(indices);
  }
  return result;
}

describe('batches from a stream of examples', () => {
  it('cuts the same batches whatever order the reads finish in, corrupt examples left out', async () => {
    const corrupt = new Set([3, 4, 5, 17, 30]);
    const runs = await Promise.all([1, 2, 3].map((delaySeed) => indicesOf(sourceOver(new SlowReader(40, corrupt, delaySeed)).epoch(0, 6))));
    assert.deepStrictEqual(runs[1], runs[0]);
    assert.deepStrictEqual(runs[2], runs[0]);
    const all = runs[0].flat();
    assert.strictEqual(runs[0].length, 5, '35 good examples make 5 batches of 6; the rest is dropped');
    assert.ok(all.every((i) => !corrupt.has(i)));
    assert.strictEqual(new Set(all).size, 30, 'no example twice');
  });

  it('reads the next batch while the consumer holds the current one', async () => {
    const reader = new SlowReader(64, new Set(), 1);
    const source = sourceOver(reader);
    for await (const batch of source.epoch(0, 8)) {
      assert.strictEqual(batch.count, 8);
      assert.ok(reader.started.length >= 16, `${reader.started.length} reads started when the first batch arrived`);
      break;
    }
  });

  it('starts mid-epoch at the same batches', async () => {
    const full = await indicesOf(sourceOver(new SlowReader(50, new Set(), 1), 9).epoch(2, 5));
    const resumed = await indicesOf(sourceOver(new SlowReader(50, new Set(), 2), 9).epoch(2, 5, { startBatch: 6 }));
    assert.deepStrictEqual(resumed, full.slice(6));
  });

  it('fails the epoch when corrupt examples leave less than one batch', async () => {
    const source = sourceOver(new SlowReader(5, new Set([0, 1, 2]), 1));
    await assert.rejects(indicesOf(source.epoch(0, 3)), (e: Error) => e instanceof DataError && /Only 2 readable images \(3 corrupt skipped\), fewer than one batch of 3/.test(e.message));
    assert.throws(() => source.epoch(1, 3), /The data set has 2 images, fewer than one batch of 3/);
    assert.throws(() => source.epoch(1, 0), RangeError);
  });

  it('samples distinct examples while there are enough, replacing corrupt ones', async () => {
    const source = sourceOver(new SlowReader(10, new Set([2, 7]), 1));
    const batch = await source.sample(8, new Random(3));
    const indices = Array.from(batch.images, (v) => Math.round((v + 1) * 127.5));
    assert.deepStrictEqual([...indices].sort((a, b) => a - b), [0, 1, 3, 4, 5, 6, 8, 9]);
    assert.strictEqual((await source.sample(12, new Random(3))).count, 12);
  });
});
