/**
 * The panel in situations a person meets after the first minute: a narrow window, and a
 * window reload (the WebviewPanelSerializer brings the panel back). Each scenario has a
 * workbench window of its own, so one failing does not hide the other.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DiagramView } from '../lib/diagram';
import { layerObjectOnLine, spotOf } from '../lib/specText';
import { waitFor } from '../lib/waitFor';
import { uiSession, useWorkbench } from './session';

describe('the panel opened in a narrow window, 1280×800 (UI)', () => {
  const workbench = useWorkbench({ width: 1280, height: 800 });
  const diagram = () => new DiagramView(workbench().webviewFrame());

  it('stacks both networks with room to draw them, and node clicks still select layers', async () => {
    await workbench().openFile('pix2pix-unet256.gan.json');
    await workbench().codeLens('Show Architecture').waitFor({ timeout: 30_000 });
    await workbench().runCommand('GAN Studio: Show Architecture');
    await workbench().tab('GAN Studio — pix2pix-unet256.gan.json').waitFor();
    // The panel gets ~500 px: the webview's narrow layout stacks the networks.
    for (const role of ['generator', 'discriminator'] as const) {
      await waitFor(`the ${role} canvas to get room`, async () => (await diagram().canvasSize(role)).height >= 100, 15_000).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await diagram().describe(role)}`);
      });
    }
    await diagram().fit('generator');
    await diagram().node('generator', 'd1').click();
    const text = readFileSync(path.join((await uiSession()).folder, 'pix2pix-unet256.gan.json'), 'utf8');
    const d1 = layerObjectOnLine(text, '"id": "d1"');
    await workbench().waitForSelection({ line: d1.end.line, column: d1.end.column, selected: d1.length });
    await workbench().screenshot('panel-narrow.png');
  });
});

describe('the panel after a window reload (UI)', () => {
  const workbench = useWorkbench();
  const diagram = () => new DiagramView(workbench().webviewFrame());

  it('opens the panel on gan-2d-ring.gan.json', async () => {
    await workbench().openFile('gan-2d-ring.gan.json');
    await workbench().codeLens('Show Architecture').waitFor({ timeout: 30_000 });
    await workbench().runCommand('GAN Studio: Show Architecture');
    await diagram().waitUntilDrawn();
  });

  it('comes back after the reload, drawing the same file', async () => {
    // Reload as a person does (Developer: Reload Window), which lets the workbench save its
    // layout first; a bare page reload can beat the web workbench's state save.
    await workbench().runCommand('Developer: Reload Window');
    await workbench().afterReload();
    await workbench().tab('GAN Studio — gan-2d-ring.gan.json').waitFor({ timeout: 30_000 });
    await diagram().waitUntilDrawn();
    await waitFor('the panel to show gan-2d-ring.gan.json', async () => (await workbench().webviewFrame().locator('body').innerText()).includes('gan-2d-ring.gan.json'));
  });
});

describe('the editor cursor highlights its layer in the diagram (UI)', () => {
  const workbench = useWorkbench();
  const diagram = () => new DiagramView(workbench().webviewFrame());
  const text = async (name: string) => readFileSync(path.join((await uiSession()).folder, name), 'utf8');

  it('moving the cursor into a layer highlights its node', async () => {
    await workbench().openFile('dcgan-mnist.gan.json');
    await workbench().codeLens('Show Architecture').waitFor({ timeout: 30_000 });
    await workbench().runCommand('GAN Studio: Show Architecture');
    await diagram().waitUntilDrawn();
    const source = await text('dcgan-mnist.gan.json');
    // Into the discriminator's flatten layer (layer 6).
    const at = spotOf(source, source.indexOf('"flatten"') + 2);
    await workbench().focusEditor();
    await workbench().goTo(at.line, at.column);
    await waitFor('only discriminator/#6 to be highlighted', async () => JSON.stringify(await diagram().highlighted()) === '["discriminator/#6"]');
    // Out of every layer (the "name" line): no node is highlighted.
    await workbench().goTo(3, 5);
    await waitFor('no node to be highlighted', async () => (await diagram().highlighted()).length === 0);
    // Into the generator's first transposed convolution (layer 4).
    const conv = spotOf(source, source.indexOf('"conv2dTranspose", "filters": 128') + 2);
    await workbench().goTo(conv.line, conv.column);
    await waitFor('only generator/#4 to be highlighted', async () => JSON.stringify(await diagram().highlighted()) === '["generator/#4"]');
  });

  it('switching to another file does not carry the highlight over', async () => {
    // dcgan-64 has a generator layer #4 too, and opens with the cursor at 1:1, outside every layer.
    await workbench().openFile('dcgan-64.gan.json');
    await workbench().tab('GAN Studio — dcgan-64.gan.json').waitFor();
    await diagram().node('generator', '#14').waitFor();
    await diagram().waitUntilDrawn();
    await workbench().waitForSelection({ line: 1, column: 1, selected: 0 });
    const stale = await diagram().highlighted();
    if (stale.length) throw new Error(`the cursor is in no layer of dcgan-64.gan.json, yet ${stale.join(', ')} is highlighted (left from dcgan-mnist.gan.json)`);
  });
});
