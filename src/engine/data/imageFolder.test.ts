import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { makeTempDir, pixelAt, Rgb, warnings, writeGarbage, writeImage, writeSolid, writeTruncatedPng } from '../../../test/fixtures/data/files';
import { Random } from '../random';
import { Batch, DataError, DataSource, openDataSource, OpenDataOptions } from './index';
import type { ImageFolderData } from '../../spec/types';

const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

/** The colour of example `index` (its top-left pixel) as bytes. */
function colourOf(batch: Batch, shape: number[], index: number): number[] {
  return pixelAt(batch.images, shape, index, 0, 0).map((v) => Math.round((v + 1) * 127.5));
}

function near(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.ok(actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance), `${what}: ${actual} ≠ ${expected} ± ${tolerance}`);
}

describe('imageFolder data', () => {
  let root: string;
  let remove: () => Promise<void>;
  const opened: DataSource[] = [];
  before(async () => ({ dir: root, remove } = await makeTempDir()));
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await remove();
  });
  const open = async (data: Partial<ImageFolderData>, extra: Partial<OpenDataOptions> = {}): Promise<DataSource> => {
    const source = await openDataSource({ kind: 'imageFolder', folder: '.', shape: [4, 4, 3], ...data } as ImageFolderData, {
      specDir: root,
      seed: 1,
      warn: (m) => assert.fail(`unexpected warning: ${m}`),
      ...extra,
    });
    opened.push(source);
    return source;
  };

  it('reads PNG and JPEG files from nested folders, scaled exactly to [−1, 1]', async () => {
    const folder = path.join(root, 'mixed');
    const reds = [[0, 255], [51, 204]];
    await writeImage(path.join(folder, 'exact.png'), 2, 2, (x, y) => [reds[y][x], 0, 128]);
    await writeSolid(path.join(folder, 'deeper', 'nested', 'photo.JPG'), [200, 30, 90], 2, 2);
    await fs.writeFile(path.join(folder, 'notes.txt'), 'not an image');
    await writeSolid(path.join(folder, '.hidden', 'skip.png'), RED, 2, 2);
    const source = await open({ folder: 'mixed', shape: [2, 2, 3] });
    assert.strictEqual(source.size, 2, 'two images; the text file and the hidden folder are ignored');
    assert.match(source.describe(), /2 images from .*mixed, fitted to 2×2×3 \(cover\); decoded per batch/);
    const [batch] = await collect(source.epoch(0, 2));
    const first = colourOf(batch, [2, 2, 3], 0)[2] === 128 ? 0 : 1;
    // PNG is lossless: exact values. 0 → −1, 255 → 1.
    const expected = [0, 255, 51, 204].flatMap((v) => [v, 0, 128].map((b) => Math.fround(b / 127.5 - 1)));
    assert.deepStrictEqual(Array.from(batch.images.subarray(first * 12, first * 12 + 12)), expected);
    near(colourOf(batch, [2, 2, 3], 1 - first), [200, 30, 90], 4, 'JPEG colour');
  });

  // An 8×4 picture of three vertical bands: red | green (twice as wide) | blue, fitted to 4×4.
  const fits: Array<{ resize: 'cover' | 'contain' | 'stretch'; expect: (x: number, y: number) => Rgb; about: string }> = [
    { resize: 'cover', about: 'scale to 4 high, crop the centre 4 columns: all green', expect: () => GREEN },
    {
      resize: 'contain',
      about: 'scale to 4×2 and pad top and bottom with black',
      expect: (x, y) => (y === 0 || y === 3 ? [0, 0, 0] : [RED, GREEN, GREEN, BLUE][x]),
    },
    { resize: 'stretch', about: 'squeeze the width: red, green, green, blue in every row', expect: (x) => [RED, GREEN, GREEN, BLUE][x] },
  ];
  for (const { resize, expect, about } of fits) {
    it(`resizes with ${resize}: ${about}`, async () => {
      await writeImage(path.join(root, 'bands', 'bands.png'), 8, 4, (x) => (x < 2 ? RED : x < 6 ? GREEN : BLUE));
      const source = await open({ folder: 'bands', resize });
      const batch = await source.sample(1, new Random(0));
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) {
          const actual = pixelAt(batch.images, [4, 4, 3], 0, x, y).map((v) => Math.round((v + 1) * 127.5));
          near(actual, expect(x, y), 20, `${resize} pixel (${x}, ${y})`);
        }
      }
    });
  }

  it('converts to the channels of the shape: 1 = greyscale, transparency onto black', async () => {
    await writeImage(path.join(root, 'grey', 'a.png'), 2, 1, (x) => (x === 0 ? [255, 255, 255, 0] : [255, 255, 255, 255]), 4);
    const grey = await open({ folder: 'grey', shape: [1, 2, 1], resize: 'stretch' });
    const [batch] = await collect(grey.epoch(0, 1));
    assert.deepStrictEqual(Array.from(batch.images), [-1, 1], 'transparent white → black, opaque white → white, one channel');
    const rgba = await open({ folder: 'grey', shape: [1, 2, 4], resize: 'stretch' });
    const [withAlpha] = await collect(rgba.epoch(0, 1));
    assert.deepStrictEqual([withAlpha.images[3], withAlpha.images[7]], [-1, 1], 'alpha kept as the 4th channel');
  });

  it('labels from sorted sub-folder names, each image with the label of its folder', async () => {
    const folder = path.join(root, 'classes');
    const colours: Record<string, Rgb> = { dog: BLUE, ant: GREEN, cat: RED };
    for (const [name, colour] of Object.entries(colours)) {
      for (let i = 0; i < 4; i++) await writeSolid(path.join(folder, name, i === 3 ? `deep/${i}.png` : `${i}.png`), colour);
    }
    await writeSolid(path.join(folder, 'stray.png'), [9, 9, 9]);
    await fs.mkdir(path.join(folder, 'empty-class'));
    const log = warnings();
    const source = await open({ folder: 'classes', labelsFromSubfolders: true }, { warn: log.warn });
    assert.deepStrictEqual(source.classNames, ['ant', 'cat', 'dog']);
    assert.strictEqual(source.classes, 3);
    assert.strictEqual(source.size, 12);
    assert.deepStrictEqual(log.messages.length, 1);
    assert.match(log.messages[0], /Ignored 1 image\(s\) directly in .*classes: with labelsFromSubfolders every image must lie in a class sub-folder/);
    assert.match(source.describe(), /3 classes from sub-folders \(ant, cat, dog\)/);
    const byLabel = [GREEN, RED, BLUE];
    for (const batch of await collect(source.epoch(0, 4))) {
      assert.ok(batch.labels);
      for (let k = 0; k < batch.count; k++) near(colourOf(batch, [4, 4, 3], k), byLabel[batch.labels[k]], 2, `label ${batch.labels[k]}`);
    }
  });

  it('limit keeps N images spread over the sorted files, so every class stays', async () => {
    const source = await open({ folder: 'classes', labelsFromSubfolders: true, limit: 3 }, { warn: () => undefined });
    assert.strictEqual(source.size, 3);
    const [batch] = await collect(source.epoch(0, 3));
    assert.deepStrictEqual(Array.from(batch.labels ?? []).sort(), [0, 1, 2]);
    assert.match(source.describe(), /limit: 3 of 12/);
  });

  it('skips corrupt files with a warning naming each once, and fills the batch from the next files', async () => {
    const folder = path.join(root, 'some-corrupt');
    // Good files sort first, so the corrupt ones are met while training, not when opening.
    for (let i = 0; i < 6; i++) await writeSolid(path.join(folder, `a${i}.png`), [i * 40, 0, 0]);
    await writeTruncatedPng(path.join(folder, 'b-truncated.png'));
    await writeGarbage(path.join(folder, 'c-random-bytes.jpg'));
    const log = warnings();
    const source = await open({ folder: 'some-corrupt' }, { warn: log.warn });
    assert.strictEqual(source.size, 8, 'not known to be corrupt before reading');
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = await collect(source.epoch(epoch, 3));
      assert.strictEqual(batches.length, 2, `epoch ${epoch}: 6 good images make 2 full batches`);
      const reds = batches.flatMap((b) => [0, 1, 2].map((k) => colourOf(b, [4, 4, 3], k)[0]));
      assert.deepStrictEqual(reds.sort((a, b) => a - b), [0, 40, 80, 120, 160, 200], 'every good image once, no corrupt one');
    }
    assert.strictEqual(source.skipped, 2);
    assert.strictEqual(source.size, 6);
    assert.strictEqual(log.messages.length, 2, `each corrupt file warned about once: ${log.messages.join(' | ')}`);
    assert.ok(log.messages.some((m) => /^Skipped unreadable image .*b-truncated\.png: /.test(m)), log.messages.join(' | '));
    assert.ok(log.messages.some((m) => /^Skipped unreadable image .*c-random-bytes\.jpg: /.test(m)), log.messages.join(' | '));
    assert.ok(log.messages.every((m) => !m.includes('\n')), 'one line each, for the run log');
  });

  it('refills a batch whose every image is corrupt from the next files', async () => {
    const folder = path.join(root, 'mostly-corrupt');
    await writeSolid(path.join(folder, 'a-good.png'), RED);
    await writeSolid(path.join(folder, 'b-good.png'), BLUE);
    for (let i = 0; i < 6; i++) await writeGarbage(path.join(folder, `c-bad${i}.png`), 100 + i);
    // A seed whose epoch 0 starts with two corrupt files (sorted indices 2 … 7), so the first
    // batch of 2 is all corrupt at first and must be refilled.
    const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => {
      const order = new Random(s, 'data-order', 0).permutation(8);
      return order[0] >= 2 && order[1] >= 2;
    });
    assert.ok(seed !== undefined);
    const log = warnings();
    const source = await open({ folder: 'mostly-corrupt' }, { warn: log.warn, seed });
    const batches = await collect(source.epoch(0, 2));
    assert.strictEqual(batches.length, 1);
    const colours = [0, 1].map((k) => colourOf(batches[0], [4, 4, 3], k).join(',')).sort();
    assert.deepStrictEqual(colours, ['0,0,255', '255,0,0'], 'the two good images');
    assert.strictEqual(source.skipped, 6);
    assert.strictEqual(log.messages.length, 6);
    assert.throws(() => source.epoch(1, 3), (e: Error) => e instanceof DataError && /has 2 images, fewer than one batch of 3/.test(e.message));

    // A random sample also replaces the corrupt files it draws.
    const fresh = await open({ folder: 'mostly-corrupt' }, { warn: () => undefined, seed: 5 });
    const sample = await fresh.sample(2, new Random(4));
    assert.deepStrictEqual([0, 1].map((k) => colourOf(sample, [4, 4, 3], k).join(',')).sort(), ['0,0,255', '255,0,0']);
  });

  const broken: Array<{ what: string; setup: () => Promise<Partial<ImageFolderData>>; message: RegExp }> = [
    {
      what: 'a missing folder',
      setup: async () => ({ folder: 'data/celeba' }),
      message: /^data\.folder: folder not found: .*data[/\\]celeba \(relative paths start at the folder of the \.gan\.json file\)$/,
    },
    {
      what: 'a file given as the folder',
      setup: async () => {
        await writeSolid(path.join(root, 'single.png'), RED);
        return { folder: 'single.png' };
      },
      message: /^data\.folder "single\.png" is not a folder: .*single\.png$/,
    },
    {
      what: 'an empty folder',
      setup: async () => {
        await fs.mkdir(path.join(root, 'empty', 'sub'), { recursive: true });
        return { folder: 'empty' };
      },
      message: /^data\.folder: the folder is empty: .*empty$/,
    },
    {
      what: 'a folder without images',
      setup: async () => {
        await fs.mkdir(path.join(root, 'texts'), { recursive: true });
        await fs.writeFile(path.join(root, 'texts', 'readme.md'), '# hi');
        return { folder: 'texts' };
      },
      message: /^data\.folder: no PNG or JPEG images found in .*texts \(searched its sub-folders too; 1 other file\(s\), e\.g\. readme\.md\)$/,
    },
    {
      what: 'a folder of nothing but corrupt images',
      setup: async () => {
        await writeGarbage(path.join(root, 'all-bad', 'x.png'));
        await writeTruncatedPng(path.join(root, 'all-bad', 'y.png'));
        return { folder: 'all-bad' };
      },
      message: /^None of the 2 image file\(s\) in data\.folder .*all-bad could be decoded/,
    },
    {
      what: 'labelsFromSubfolders without sub-folders',
      setup: async () => {
        await writeSolid(path.join(root, 'flat', 'x.png'), RED);
        return { folder: 'flat', labelsFromSubfolders: true };
      },
      message: /^data\.labelsFromSubfolders: .*flat has no sub-folders with images/,
    },
    {
      what: 'two channels',
      setup: async () => ({ folder: 'flat', shape: [4, 4, 2] }),
      message: /^data\.shape must be \[height, width, channels\] with 1 \(grey\), 3 \(RGB\) or 4 \(RGBA\) channels; got \[4,4,2\]$/,
    },
  ];
  for (const { what, setup, message } of broken) {
    it(`fails before training with a clear message for ${what}`, async () => {
      const data = await setup();
      await assert.rejects(open(data, { warn: () => undefined }), (e: Error) => {
        assert.ok(e instanceof DataError, `a DataError, not ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }

  it('shuffles reproducibly: the same seed and epoch give the same order, another epoch or seed another', async () => {
    const folder = path.join(root, 'order');
    for (let i = 0; i < 12; i++) await writeSolid(path.join(folder, `${String(i).padStart(2, '0')}.png`), [i * 20, 0, 0], 2, 2);
    const order = async (seed: number, epoch: number, startBatch = 0): Promise<number[]> => {
      const source = await open({ folder: 'order', shape: [2, 2, 3] }, { seed });
      const batches = await collect(source.epoch(epoch, 4, { startBatch }));
      return batches.flatMap((b) => Array.from({ length: b.count }, (_, k) => colourOf(b, [2, 2, 3], k)[0] / 20));
    };
    const first = await order(7, 0);
    assert.deepStrictEqual([...first].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    assert.deepStrictEqual(await order(7, 0), first);
    assert.notDeepStrictEqual(await order(7, 1), first);
    assert.notDeepStrictEqual(await order(8, 0), first);
    assert.deepStrictEqual(await order(7, 0, 1), first.slice(4), 'starting at batch 1 resumes the same order');
  });

  it('keeps decoded images in memory only up to the cache budget, with the same results', async () => {
    const cached = await open({ folder: 'order', shape: [2, 2, 3] });
    const uncached = await open({ folder: 'order', shape: [2, 2, 3] }, { cacheBytes: 0 });
    for (const epoch of [0, 1]) assert.deepStrictEqual(await collect(uncached.epoch(epoch, 4)), await collect(cached.epoch(epoch, 4)));
  });

  it('lets a consumer stop mid-epoch while the next batch is being read', async () => {
    const source = await open({ folder: 'order', shape: [2, 2, 3] }, { cacheBytes: 0 });
    let seen = 0;
    for await (const batch of source.epoch(0, 2)) {
      seen += batch.count;
      break;
    }
    assert.strictEqual(seen, 2);
    const sample = await source.sample(12, new Random(1));
    const distinct = new Set(Array.from({ length: 12 }, (_, k) => colourOf(sample, [2, 2, 3], k)[0]));
    assert.strictEqual(distinct.size, 12, 'a sample as big as the data set holds every image once');
    const bigger = await source.sample(20, new Random(1));
    assert.strictEqual(bigger.count, 20, 'a sample bigger than the data set repeats images');
  });
});
