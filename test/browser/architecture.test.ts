/**
 * The Architecture view in a real Chromium against the real bundle, fed diagram models the
 * spec core makes from the shipped examples.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { DiagramModel } from '../../src/protocol';
import { deepSpecText, diagramOf, exampleText } from './fixtures';
import { launchChromium, Panel } from './harness';
import { startHarnessServer, type HarnessServer } from './server';

// Page-side callbacks (page.evaluate) run in Chromium; this Node program has no DOM lib, and
// a global one would hide mistakes in the Node code compiled with it.
declare const document: any, getComputedStyle: any, DOMParser: any, Image: any;

const PIX2PIX = 'pix2pix-unet256.gan.json';

describe('Architecture view in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: HarnessServer;
  let runDir: string;
  let panel: Panel | undefined;
  let pix2pix: DiagramModel;

  before(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'gan-studio-browser-'));
    server = await startHarnessServer(runDir);
    browser = await launchChromium();
    pix2pix = diagramOf(PIX2PIX);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(runDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (panel) {
      await panel.assertClean();
      await panel.close();
      panel = undefined;
    }
  });

  async function openWithDiagram(model: DiagramModel, theme: 'light' | 'dark' | 'high-contrast' = 'dark'): Promise<Panel> {
    panel = await Panel.open(browser, server, { theme });
    await panel.send({ type: 'diagram', model, stale: false });
    await panel.page.locator('[data-export-graph="discriminator"] .graph-node').first().waitFor();
    return panel;
  }

  const node = (p: Panel, role: string, key: string) => p.page.locator(`.graph-node[data-role="${role}"][data-key="${key}"]`);
  const transformOf = (p: Panel, role: string) => p.page.locator(`.graph-panel[data-role="${role}"] .graph-viewport`).getAttribute('transform');

  it('runs under a CSP that reports what it blocks (so "clean" means something)', async () => {
    panel = await Panel.open(browser, server);
    await panel.page.evaluate(() => {
      const probe = document.createElement('div');
      probe.innerHTML = '<span style="color: red">inline style</span>';
      document.body.append(probe);
      probe.remove();
    });
    await panel.page.waitForFunction(() => (globalThis as any).__harness.cspViolations.length > 0);
    const violations = await panel.page.evaluate(() => (globalThis as any).__harness.cspViolations.splice(0) as string[]);
    assert.match(violations.join('\n'), /style-src/);
    // Chromium also logs it as a console error: this page is not clean by design.
    await panel.close();
    panel = undefined;
  });

  it('shows an empty state until a diagram arrives', async () => {
    panel = await Panel.open(browser, server);
    await panel.page.getByTestId('architecture-empty').waitFor();
    assert.match(await panel.page.getByTestId('architecture-empty').innerText(), /No diagram yet/);
  });

  it('draws every layer of pix2pix with all its skip connections and the output shape', async () => {
    const p = await openWithDiagram(pix2pix);
    for (const network of pix2pix.networks) {
      const drawn = await p.page.locator(`.graph-node[data-role="${network.role}"][data-key]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
      assert.deepEqual(new Set(drawn), new Set(network.nodes.map((n) => n.key)), `${network.role}: a node per layer and input`);
    }
    const generator = pix2pix.networks.find((n) => n.role === 'generator')!;
    assert.equal(generator.nodes.filter((n) => n.kind === 'layer').length, 55);
    const explicit = generator.edges.filter((e) => e.explicit);
    assert.equal(explicit.length, 8);
    const skipEdges = p.page.locator('[data-export-graph="generator"] path.graph-edge.skip');
    assert.equal(await skipEdges.count(), 8, 'the eight named inputs (seven U-Net skips and the source) drawn as skips');
    const drawnSkips = await skipEdges.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')}`));
    assert.deepEqual(new Set(drawnSkips), new Set(explicit.map((e) => `n:${e.from}→n:${e.to}`)));
    // Every edge of the model is drawn (plus data → D, G → D and D → loss).
    assert.equal(await p.page.locator('[data-export-graph="generator"] path.graph-edge').count(), generator.edges.length);
    assert.equal(await p.page.locator('[data-export-graph="discriminator"] path.graph-edge').count(), pix2pix.networks[1].edges.length + 3);
    // The generator's output shape, on its last node and in its header.
    assert.match(await node(p, 'generator', generator.outputKey!).locator('.node-shape').textContent() ?? '', /^\[256, 256, 3\]$/);
    assert.match(await p.page.getByTestId('generator-totals').innerText(), /54,413,955 trainable[\s\S]*9,856 non-trainable[\s\S]*\[256, 256, 3\]/);
    assert.match(await p.page.getByTestId('discriminator-totals').innerText(), /2,768,705 trainable[\s\S]*\[30, 30, 1\]/);
    // The GAN around D: real data and G's output in, the loss out.
    assert.match(await p.page.locator('[data-node-id="x:loss"]').textContent() ?? '', /nonSaturating \+ 100·L1/);
    assert.match(await p.page.locator('[data-node-id="x:data"]').textContent() ?? '', /real data \(pairedImages\)\[256, 256, 3\]/);
    assert.match(await node(p, 'generator', 'd1').locator('.node-title').textContent() ?? '', /conv2d 4×4 \/2 64/);
    await p.screenshot('architecture-pix2pix');
  });

  it('posts reveal-layer with the clicked layer key', async () => {
    const p = await openWithDiagram(pix2pix);
    await node(p, 'generator', 'd1').click();
    assert.deepEqual(await p.waitForPosted('reveal-layer'), { type: 'reveal-layer', role: 'generator', key: 'd1' });
    await p.clearPosted();
    await node(p, 'discriminator', '#1').click();
    assert.deepEqual(await p.waitForPosted('reveal-layer'), { type: 'reveal-layer', role: 'discriminator', key: '#1' });
    // Keyboard: focus and Enter.
    await p.clearPosted();
    await node(p, 'generator', 'd2').focus();
    await p.page.keyboard.press('Enter');
    assert.deepEqual(await p.waitForPosted('reveal-layer'), { type: 'reveal-layer', role: 'generator', key: 'd2' });
  });

  it('highlights the node the host names and brings it into view', async () => {
    const p = await openWithDiagram(pix2pix);
    // The last layer of the 55 is far below the first screen.
    await p.send({ type: 'highlight', role: 'generator', key: '#54' });
    const target = node(p, 'generator', '#54');
    await p.page.waitForFunction(() => document.querySelector('.graph-node[data-role="generator"][data-key="#54"]')?.classList.contains('highlighted'));
    const surface = await p.page.locator('.graph-panel[data-role="generator"] .graph-surface').boundingBox();
    const box = await target.boundingBox();
    assert.ok(surface && box);
    assert.ok(box.y >= surface.y && box.y + box.height <= surface.y + surface.height, 'the highlighted node is scrolled into view');
    assert.equal(await p.page.locator('.graph-node.highlighted').count(), 1);
    // key undefined clears it.
    await p.send({ type: 'highlight', role: 'generator', key: undefined });
    await p.page.waitForFunction(() => document.querySelectorAll('.graph-node.highlighted').length === 0);
  });

  it('keeps a stale diagram dimmed with a banner naming the problem', async () => {
    const p = await openWithDiagram(pix2pix);
    const count = await p.page.locator('.graph-node').count();
    await p.send({ type: 'diagram', model: pix2pix, stale: true, banner: 'Line 12: Colon expected.' });
    await p.page.getByTestId('stale-banner').waitFor();
    assert.match(await p.page.getByTestId('stale-banner').innerText(), /Line 12: Colon expected\./);
    assert.equal(await p.page.locator('.architecture.stale').count(), 1);
    assert.equal(await p.page.locator('.graph-node').count(), count, 'the last good diagram is still drawn');
    const opacity = await p.page.locator('.graphs').evaluate((e) => getComputedStyle(e).opacity);
    assert.ok(Number(opacity) < 1, 'dimmed');
    // A broken file with nothing parsed keeps the last good networks.
    await p.send({ type: 'diagram', model: { ...pix2pix, networks: [] }, stale: true, banner: 'Line 3: Value expected.' });
    await p.page.getByText('Line 3: Value expected.').waitFor();
    assert.equal(await p.page.locator('.graph-node').count(), count);
    await p.screenshot('architecture-stale');
    // Fixed: the banner goes.
    await p.send({ type: 'diagram', model: pix2pix, stale: false });
    await p.page.getByTestId('stale-banner').waitFor({ state: 'detached' });
  });

  it('marks layers with problems and lists the messages', async () => {
    const broken = exampleText(PIX2PIX).replace('"with": ["d7"]', '"with": ["d6"]').replace('{ "type": "dropout", "rate": 0.5 },', '{ "type": "dropout", "rate": 0.5, "bogus": 1 },');
    const model = diagramOf(PIX2PIX, broken);
    const withProblems = model.networks[0].nodes.filter((n) => n.problems.length > 0).map((n) => n.key);
    assert.deepEqual(withProblems, ['#24', '#28']);
    // A warning as the host could send one, to see its colour.
    const discriminator = model.networks[1];
    discriminator.nodes[3] = { ...discriminator.nodes[3], problems: [{ severity: 'warning', code: 'test-warning', message: 'A warning about this layer.', range: discriminator.nodes[3].range! }] };
    model.warningCount = 1;
    const p = await openWithDiagram(model);
    await p.page.waitForSelector('.graph-node.has-error');
    for (const key of withProblems) assert.match((await node(p, 'generator', key).getAttribute('class')) ?? '', /has-error/);
    assert.match((await node(p, 'discriminator', discriminator.nodes[3].key).getAttribute('class')) ?? '', /has-warning/);
    // The message is in the node's tooltip and in the list.
    assert.match((await node(p, 'generator', '#24').locator('title').textContent()) ?? '', /concat along axis -1 needs all other axes to agree/);
    const list = p.page.locator('.problem-list');
    assert.match(await list.innerText(), /2 errors[\s\S]*1 warning[\s\S]*Unknown key "bogus"/);
    await list.getByRole('button', { name: 'generator · #28' }).click();
    assert.deepEqual(await p.waitForPosted('reveal-layer'), { type: 'reveal-layer', role: 'generator', key: '#28' });
    assert.match((await node(p, 'generator', '#28').getAttribute('class')) ?? '', /highlighted/);
    // Downstream of the error the shapes are unknown, and say so.
    assert.equal(await p.page.locator('[data-export-graph="generator"] .node-shape.unknown').first().textContent(), '?');
    await p.screenshot('architecture-problems');
  });

  it('keeps zoom and pan through an update', async () => {
    const p = await openWithDiagram(pix2pix);
    const surface = p.page.locator('.graph-panel[data-role="generator"] .graph-surface');
    const box = (await surface.boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.mouse.wheel(0, -300);
    await p.page.mouse.move(box.x + 30, box.y + box.height - 30);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + 130, box.y + box.height - 230, { steps: 5 });
    await p.page.mouse.up();
    const before = await transformOf(p, 'generator');
    assert.ok(before && !/scale\(1\)$/.test(before), `zoomed: ${before}`);
    // An edit: a layer's filters change (new shapes and counts, same structure).
    const edited = diagramOf(PIX2PIX, exampleText(PIX2PIX).replace('"filters": 64, "kernel": 4, "stride": 2, "padding": 1, "useBias": false, "id": "d1"', '"filters": 32, "kernel": 4, "stride": 2, "padding": 1, "useBias": false, "id": "d1"'));
    await p.send({ type: 'diagram', model: edited, stale: false });
    await p.page.waitForFunction(() => /32/.test(document.querySelector('.graph-node[data-role="generator"][data-key="d1"] .node-title')?.textContent ?? ''));
    await p.page.waitForTimeout(300);
    assert.equal(await transformOf(p, 'generator'), before);
    // The persisted state holds it too (for a reload).
    await p.page.waitForTimeout(300);
    const state = await p.state();
    const viewports = state?.viewports as Record<string, { x: number; y: number; scale: number }>;
    const saved = viewports[`${pix2pix.uri}#generator`];
    assert.ok(saved);
    assert.equal(`translate(${saved.x} ${saved.y}) scale(${saved.scale})`, before);
  });

  it('zooms with the buttons and fits', async () => {
    const p = await openWithDiagram(pix2pix);
    const panelLocator = p.page.locator('.graph-panel[data-role="generator"]');
    const scale = async () => Number(await panelLocator.locator('.graph-svg').getAttribute('data-scale'));
    const start = await scale();
    await panelLocator.getByRole('button', { name: 'Zoom in' }).click();
    assert.ok((await scale()) > start);
    await panelLocator.getByRole('button', { name: 'Fit to view' }).click();
    const fitted = await scale();
    // The whole U-Net (56 nodes high) fits: every node inside the canvas.
    const surface = (await panelLocator.locator('.graph-surface').boundingBox())!;
    const last = (await node(p, 'generator', '#54').boundingBox())!;
    assert.ok(last.y + last.height <= surface.y + surface.height + 1, `fit shows the last layer (scale ${fitted})`);
  });

  it('exports a standalone SVG and a PNG', async () => {
    const p = await openWithDiagram(pix2pix, 'light');
    await p.page.getByTestId('export-svg').click();
    const svg = await p.waitForPosted('exported', (m) => m.format === 'svg');
    assert.ok(svg.data.startsWith('<?xml'));
    assert.doesNotMatch(svg.data, /var\(--/, 'no CSS variables left in the file');
    assert.doesNotMatch(svg.data, /class="/, 'no classes left to style');
    const checked = await p.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const error = doc.querySelector('parsererror');
      return {
        error: error?.textContent ?? null,
        root: doc.documentElement.nodeName,
        width: Number(doc.documentElement.getAttribute('width')),
        texts: Array.from(doc.querySelectorAll('text')).map((t: any) => t.textContent as string | null),
        skipStroke: doc.querySelector('path[stroke-dasharray]:not([stroke-dasharray="none"])')?.getAttribute('stroke') ?? null,
      };
    }, svg.data);
    assert.equal(checked.error, null);
    assert.equal(checked.root, 'svg');
    assert.ok(checked.width > 400);
    assert.ok(checked.texts.includes('[256, 256, 3]'));
    assert.ok(checked.texts.includes('pix2pix: U-Net 256 + 70×70 PatchGAN'));
    assert.match(checked.skipStroke ?? '', /^rgb/, 'colours written as values');
    // The file renders as an image on its own.
    const size = await p.page.evaluate(async (text) => {
      const image = new Image();
      image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
      await image.decode();
      return { width: image.naturalWidth, height: image.naturalHeight };
    }, svg.data);
    assert.ok(size.width > 400 && size.height > 400);

    await p.page.getByTestId('export-png').click();
    const png = await p.waitForPosted('exported', (m) => m.format === 'png');
    assert.match(png.data, /^data:image\/png;base64,/);
    const bytes = Buffer.from(png.data.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.readUInt32BE(16) > 800 && bytes.readUInt32BE(20) > 800, 'drawn at twice the size');

    // The host's export command asks with a message.
    await p.clearPosted();
    await p.send({ type: 'export-request', format: 'svg' });
    assert.ok((await p.waitForPosted('exported')).data.includes('<svg'));
  });

  it('keeps the view, zoom and pan across a reload', async () => {
    const p = await openWithDiagram(pix2pix);
    const panelLocator = p.page.locator('.graph-panel[data-role="discriminator"]');
    await panelLocator.getByRole('button', { name: 'Zoom in' }).click();
    await panelLocator.getByRole('button', { name: 'Zoom in' }).click();
    const before = await transformOf(p, 'discriminator');
    await p.page.getByRole('tab', { name: 'Training' }).click();
    assert.deepEqual(await p.waitForPosted('view-changed'), { type: 'view-changed', view: 'training' });
    await p.page.waitForTimeout(400); // the state is saved shortly after a change
    // A new page with the same storage: what VS Code does when it restores the panel.
    const again = await Panel.open(browser, server, { context: p.context });
    assert.equal(await again.page.getByRole('tab', { name: 'Training' }).getAttribute('aria-selected'), 'true');
    await again.page.getByRole('tab', { name: 'Architecture' }).click();
    await again.send({ type: 'diagram', model: pix2pix, stale: false });
    await again.page.locator('[data-export-graph="discriminator"] .graph-node').first().waitFor();
    assert.equal(await transformOf(again, 'discriminator'), before);
    await again.assertClean();
    await again.page.close();
  });

  it('follows show-view from the host', async () => {
    panel = await Panel.open(browser, server);
    await panel.send({ type: 'show-view', view: 'training' });
    await panel.page.locator('#view-training:not([hidden])').waitFor();
    assert.equal(await panel.page.locator('#view-architecture').getAttribute('hidden'), '');
  });

  it('lays out and opens a 200-layer network readable', async () => {
    const model = diagramOf('deep.gan.json', deepSpecText());
    const generator = model.networks.find((n) => n.role === 'generator')!;
    assert.equal(generator.nodes.length, 200);
    assert.equal(model.errorCount, 0);
    panel = await Panel.open(browser, server);
    const started = Date.now();
    await panel.send({ type: 'diagram', model, stale: false });
    await panel.page.waitForFunction(() => document.querySelectorAll('.graph-node[data-role="generator"]').length === 200);
    const elapsed = Date.now() - started;
    const scale = Number(await panel.page.locator('.graph-panel[data-role="generator"] .graph-svg').getAttribute('data-scale'));
    assert.ok(scale >= 0.6, `opens at a readable scale (${scale})`);
    assert.ok(elapsed < 15_000, `laid out in ${elapsed} ms`);
    // Panning stays responsive: 20 drags' worth of moves.
    const surface = (await panel.page.locator('.graph-panel[data-role="generator"] .graph-surface').boundingBox())!;
    const t0 = Date.now();
    await panel.page.mouse.move(surface.x + 50, surface.y + surface.height - 20);
    await panel.page.mouse.down();
    await panel.page.mouse.move(surface.x + 50, surface.y + 20, { steps: 40 });
    await panel.page.mouse.up();
    const panMs = Date.now() - t0;
    assert.ok(panMs < 5_000, `40 pan moves took ${panMs} ms`);
    await panel.screenshot('architecture-200-layers');
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`is legible in the ${theme} theme (screenshot)`, async () => {
      const p = await openWithDiagram(diagramOf('cgan-mnist.gan.json'), theme);
      await p.send({ type: 'highlight', role: 'generator', key: '#3' });
      await p.page.waitForSelector('.graph-node.highlighted');
      const colors = await p.page.evaluate(() => {
        const title = document.querySelector('.node-title')!;
        const box = document.querySelector('.node-box')!;
        return { text: getComputedStyle(title).fill, box: getComputedStyle(box).fill, body: getComputedStyle(document.body).backgroundColor };
      });
      assert.notEqual(colors.text, colors.box, 'text differs from its node');
      assert.notEqual(colors.text, colors.body);
      await p.screenshot('architecture');
    });
  }
});
