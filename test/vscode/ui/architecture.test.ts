/**
 * The architecture panel with the packaged extension, driven like a person: quick open,
 * the command palette, clicks in the diagram, typing in the editor.
 * The steps of a scenario build on each other (one workbench per file).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../../src/spec';
import { DiagramView } from '../lib/diagram';
import { layerKeys, layerObjectOnLine, parseSpec, spotOf } from '../lib/specText';
import { waitFor } from '../lib/waitFor';
import { uiSession, useWorkbench } from './session';

const count = (n: number) => n.toLocaleString('en-US');

describe('the architecture panel beside a .gan.json (UI)', () => {
  const workbench = useWorkbench();
  const diagram = () => new DiagramView(workbench().webviewFrame());
  const fileText = async (name: string) => readFileSync(path.join((await uiSession()).folder, name), 'utf8');

  it('opens dcgan-mnist.gan.json (Ctrl+P) and the panel from the command palette (F1)', async () => {
    await workbench().openFile('dcgan-mnist.gan.json');
    // What a person sees once the extension is active: the CodeLens at the top.
    await workbench().codeLens('Show Architecture').waitFor({ timeout: 30_000 });
    await workbench().runCommand('GAN Studio: Show Architecture');
    await workbench().tab('GAN Studio — dcgan-mnist.gan.json').waitFor();
    await diagram().waitUntilDrawn();
  });

  it("draws every layer and shows the generator's output shape [28, 28, 1]", async () => {
    const spec = parseSpec(await fileText('dcgan-mnist.gan.json'));
    for (const role of ['generator', 'discriminator'] as const) {
      for (const key of layerKeys(spec[role])) assert.equal(await diagram().node(role, key).count(), 1, `${role} node ${key}`);
    }
    assert.equal(await diagram().shapeOf('generator', '#10'), '[28, 28, 1]', 'the last generator layer makes MNIST-sized images');
    const totals = await diagram().totals('generator').innerText();
    assert.match(totals, /\[28, 28, 1\]/);
    assert.match(totals, /2,305,472/, 'the generator total the example quotes from Keras');
    await workbench().screenshot('panel-architecture.png');
  });

  it('clicking a node selects that layer in the editor', async () => {
    const text = await fileText('dcgan-mnist.gan.json');
    // Generator layer 4: the first transposed convolution (128 filters, stride 1).
    const layer = layerObjectOnLine(text, '"conv2dTranspose", "filters": 128');
    await diagram().node('generator', '#4').click();
    // The status bar shows the cursor (the selection's end) and the selected length.
    await workbench().waitForSelection({ line: layer.end.line, column: layer.end.column, selected: layer.length });
    await workbench().activeTab('dcgan-mnist.gan.json').waitFor();
  });

  it('typing in the editor redraws the diagram (filters 64 → 32)', async () => {
    const text = await fileText('dcgan-mnist.gan.json');
    assert.equal(await diagram().shapeOf('generator', '#7'), '[14, 14, 64]');
    const marker = '"conv2dTranspose", "filters": 64';
    const at = text.indexOf(marker) + marker.length - 2;
    const edited = text.slice(0, at) + '32' + text.slice(at + 2);
    const expectedTotal = analyzeText(edited).generator?.trainableParams;
    assert.ok(expectedTotal && expectedTotal !== 2_305_472);

    const spot = spotOf(text, at);
    await workbench().focusEditor();
    await workbench().goTo(spot.line, spot.column);
    await workbench().press('Shift+ArrowRight');
    await workbench().press('Shift+ArrowRight');
    await workbench().type('32');

    await waitFor('the edited layer to show [14, 14, 32]', async () => (await diagram().shapeOf('generator', '#7')) === '[14, 14, 32]');
    await waitFor(`the generator total to become ${count(expectedTotal)}`, async () => (await diagram().totals('generator').innerText()).includes(count(expectedTotal)));
    assert.equal(await diagram().shapeOf('generator', '#10'), '[28, 28, 1]', 'the output shape does not depend on the filters');
    await workbench().screenshot('panel-live-edit.png');

    await workbench().press('Control+Z');
    await waitFor('undo to redraw [14, 14, 64]', async () => (await diagram().shapeOf('generator', '#7')) === '[14, 14, 64]');
  });

  it('pix2pix-unet256.gan.json: the panel follows the editor and draws all seven U-Net skip connections', async () => {
    await workbench().openFile('pix2pix-unet256.gan.json');
    await workbench().tab('GAN Studio — pix2pix-unet256.gan.json').waitFor();
    await diagram().node('generator', 'd7').waitFor();

    const spec = parseSpec(await fileText('pix2pix-unet256.gan.json'));
    const keys = layerKeys(spec.generator);
    const skips = spec.generator.layers.flatMap((layer, i) => (layer.with ?? []).map((from) => ({ from, to: keys[i] })));
    assert.equal(skips.length, 7, 'the example joins 7 encoder maps');
    const drawn = await diagram().edgeList('generator');
    for (const { from, to } of skips) {
      assert.ok(drawn.includes(`${from}→${to} skip`), `skip connection ${from} → ${to} is drawn as a skip (drawn: ${drawn.filter((e) => e.endsWith('skip')).join(', ')})`);
    }
    assert.equal(await diagram().shapeOf('generator', keys[keys.length - 1]), '[256, 256, 3]');
    await workbench().screenshot('panel-pix2pix.png');
  });

  it('pix2pix: clicking a skip source and its concat selects each layer', async () => {
    const text = await fileText('pix2pix-unet256.gan.json');
    const spec = parseSpec(text);
    const keys = layerKeys(spec.generator);
    const concatIndex = spec.generator.layers.findIndex((l) => l.with?.[0] === 'd4');
    // 55 layers do not fit at full size: fit the graph first, as a person would.
    await diagram().fit('generator');

    await diagram().node('generator', 'd4').click();
    const d4 = layerObjectOnLine(text, '"id": "d4"');
    await workbench().waitForSelection({ line: d4.end.line, column: d4.end.column, selected: d4.length });

    await diagram().node('generator', keys[concatIndex]).click();
    const concat = layerObjectOnLine(text, '"with": ["d4"]');
    await workbench().waitForSelection({ line: concat.end.line, column: concat.end.column, selected: concat.length });
  });
});
