import * as assert from 'assert';
import * as path from 'path';
import { makeTempDir, pixelAt, Rgb, warnings, writeGarbage, writeImage, writeSolid } from '../../../test/fixtures/data/files';
import type { PairedImagesData } from '../../spec/types';
import { Random } from '../random';
import { Batch, DataError, DataSource, openDataSource, OpenDataOptions } from './index';

const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

function bytesAt(images: Float32Array, shape: number[], index: number, x = 0, y = 0): number[] {
  return pixelAt(images, shape, index, x, y).map((v) => Math.round((v + 1) * 127.5));
}

describe('pairedImages data', () => {
  let root: string;
  let remove: () => Promise<void>;
  const opened: DataSource[] = [];
  before(async () => {
    ({ dir: root, remove } = await makeTempDir());
    // sideBySide: A (left half) is a red-to-black horizontal ramp, B (right half) solid blue;
    // PNG and JPEG files alternate.
    for (let i = 0; i < 4; i++) {
      await writeImage(path.join(root, 'facades', `${i}${i % 2 ? '.jpg' : '.png'}`), 8, 4, (x) =>
        x < 4 ? [255 - x * 60, i * 10, 0] : BLUE,
      );
    }
    // twoFolders: A red, B blue; names pair by stem, whatever the extension.
    for (const name of ['x', 'y', 'nested/z']) {
      await writeSolid(path.join(root, 'A', `${name}.png`), RED);
      await writeSolid(path.join(root, 'B', `${name}${name === 'y' ? '.jpg' : '.png'}`), BLUE);
    }
    await writeSolid(path.join(root, 'A', 'only-in-a.png'), RED);
    await writeSolid(path.join(root, 'B', 'only-in-b-1.png'), BLUE);
    await writeSolid(path.join(root, 'B', 'only-in-b-2.png'), BLUE);
  });
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await remove();
  });
  const open = async (data: Partial<PairedImagesData>, extra: Partial<OpenDataOptions> = {}): Promise<DataSource> => {
    const source = await openDataSource({ kind: 'pairedImages', shape: [4, 4, 3], ...data } as PairedImagesData, {
      specDir: root,
      seed: 2,
      warn: (m) => assert.fail(`unexpected warning: ${m}`),
      ...extra,
    });
    opened.push(source);
    return source;
  };

  it('sideBySide AtoB: the left half is the input (sources), the right half the target (images)', async () => {
    const source = await open({ layout: 'sideBySide', folder: 'facades' });
    assert.deepStrictEqual([source.size, source.shape, source.sourceShape, source.classes], [4, [4, 4, 3], [4, 4, 3], undefined]);
    assert.match(source.describe(), /4 image pairs: side-by-side A\|B files in .*facades; input A 4×4×3 → target B 4×4×3 \(stretched\)/);
    const batches = await collect(source.epoch(0, 2));
    assert.strictEqual(batches.length, 2);
    for (const batch of batches) {
      assert.ok(batch.sources && batch.labels === undefined);
      assert.strictEqual(batch.sources.length, 2 * 48);
      for (let k = 0; k < 2; k++) {
        // Pixels stay where they were: the ramp's columns 0 … 3 keep their values.
        for (let x = 0; x < 4; x++) assert.ok(Math.abs(bytesAt(batch.sources, [4, 4, 3], k, x, 2)[0] - (255 - x * 60)) <= 8);
        const target = bytesAt(batch.images, [4, 4, 3], k, 3, 3);
        assert.ok(target.every((v, c) => Math.abs(v - BLUE[c]) <= 8), `target ${target}`);
      }
    }
  });

  it('sideBySide BtoA swaps input and target; sourceShape can differ from shape', async () => {
    const source = await open({ layout: 'sideBySide', folder: 'facades', direction: 'BtoA', sourceShape: [2, 2, 1] });
    assert.deepStrictEqual([source.shape, source.sourceShape], [[4, 4, 3], [2, 2, 1]]);
    const batch = await source.sample(4, new Random(1));
    assert.ok(batch.sources);
    assert.strictEqual(batch.sources.length, 4 * 4);
    for (let k = 0; k < 4; k++) {
      // The input is now B, blue, in one grey channel: blue's luminance.
      const grey = bytesAt(batch.sources, [2, 2, 1], k)[0];
      assert.ok(grey > 10 && grey < 100, `blue as grey: ${grey}`);
      assert.ok(bytesAt(batch.images, [4, 4, 3], k, 0, 0)[0] > 240, 'the target is A, the red ramp');
    }
  });

  it('twoFolders: pairs files by name, warns once about the unmatched ones with a count', async () => {
    const log = warnings();
    const source = await open({ layout: 'twoFolders', folderA: 'A', folderB: 'B' }, { warn: log.warn });
    assert.strictEqual(source.size, 3);
    assert.strictEqual(log.messages.length, 1);
    assert.match(log.messages[0], /^Ignored 3 image\(s\) without a partner of the same name: 1 in .*A \(only-in-a\.png\); 2 in .*B \(only-in-b-1\.png, only-in-b-2\.png\)$/);
    const [batch] = await collect(source.epoch(0, 3));
    for (let k = 0; k < 3; k++) {
      assert.deepStrictEqual(bytesAt(batch.sources ?? new Float32Array(), [4, 4, 3], k), RED, 'AtoB: A is the input');
      assert.ok(Math.abs(bytesAt(batch.images, [4, 4, 3], k)[2] - 255) <= 3, 'B is the target');
    }
    const swapped = await open({ layout: 'twoFolders', folderA: 'A', folderB: 'B', direction: 'BtoA' }, { warn: () => undefined });
    const [other] = await collect(swapped.epoch(0, 3));
    for (let k = 0; k < 3; k++) {
      assert.deepStrictEqual(bytesAt(other.images, [4, 4, 3], k), RED, 'BtoA: A is the target');
      assert.ok(Math.abs(bytesAt(other.sources ?? new Float32Array(), [4, 4, 3], k)[2] - 255) <= 3, 'B is the input');
    }
  });

  it('skips a pair whose B file is corrupt, naming that file', async () => {
    for (const name of ['p', 'q', 'r']) await writeSolid(path.join(root, 'A2', `${name}.png`), RED);
    await writeSolid(path.join(root, 'B2', 'p.png'), BLUE);
    await writeSolid(path.join(root, 'B2', 'q.png'), BLUE);
    await writeGarbage(path.join(root, 'B2', 'r.png'));
    const log = warnings();
    const source = await open({ layout: 'twoFolders', folderA: 'A2', folderB: 'B2' }, { warn: log.warn });
    const batches = await collect(source.epoch(0, 1));
    assert.strictEqual(batches.length, 2);
    assert.strictEqual(source.skipped, 1);
    assert.strictEqual(log.messages.length, 1);
    assert.match(log.messages[0], /^Skipped unreadable image pair .*A2[/\\]r\.png \+ .*B2[/\\]r\.png: .*B2[/\\]r\.png: /);
  });

  const broken: Array<{ what: string; data: Partial<PairedImagesData>; message: RegExp }> = [
    { what: 'sideBySide without folder', data: { layout: 'sideBySide' }, message: /^data\.folder is required when data\.layout is "sideBySide"$/ },
    { what: 'twoFolders without folderB', data: { layout: 'twoFolders', folderA: 'A' }, message: /^data\.folderB is required when data\.layout is "twoFolders"$/ },
    { what: 'a missing folderB', data: { layout: 'twoFolders', folderA: 'A', folderB: 'targets' }, message: /^data\.folderB: folder not found: .*targets/ },
    { what: 'folders with no names in common', data: { layout: 'twoFolders', folderA: 'A', folderB: 'facades' }, message: /^data\.folderA and data\.folderB have no image names in common \(4 in .*A, 4 in .*facades\)/ },
    { what: 'an unknown layout', data: { layout: 'interleaved' as never, folder: 'facades' }, message: /^data\.layout must be "sideBySide" or "twoFolders"/ },
    { what: 'a bad sourceShape', data: { layout: 'sideBySide', folder: 'facades', sourceShape: [4, 4] }, message: /^data\.sourceShape must be \[height, width, channels\]/ },
  ];
  for (const { what, data, message } of broken) {
    it(`fails before training with a clear message for ${what}`, async () => {
      await assert.rejects(open(data), (e: Error) => {
        assert.ok(e instanceof DataError, `a DataError, not ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
