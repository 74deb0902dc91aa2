/**
 * The architecture diagram inside the panel's webview, read through the DOM the webview
 * renders. Every selector the UI tests depend on is here, in one place, so a change of
 * markup in webview/ is one edit (see the report for the attributes agreed on):
 *   .graph-panel[data-role]                    one network's canvas
 *   g.graph-node[data-role][data-key]          a node; data-key is the layer key (`id` or `#index`),
 *                  [data-node-id]              and data-node-id the id its edges refer to
 *   .node-shape                                its output shape text, e.g. "[28, 28, 1]"
 *   .graph-edge[data-from][data-to]            an edge between node ids; `.skip` for named inputs (U-Net skips)
 *   [data-testid="<role>-totals"]              a network's header: totals and output shape
 *   g.graph-node.highlighted                   the node of the layer the editor's cursor is in
 *   button[aria-label="Fit to view"]           the canvas' fit button
 */
import type { FrameLocator, Locator } from 'playwright-core';

export type Role = 'generator' | 'discriminator';

export class DiagramView {
  constructor(private readonly frame: FrameLocator) {}

  /**
   * Waits until the app has drawn at least one node of each network given; if it never
   * does, the error says what the panel shows instead (an empty state, a message, a
   * canvas with no room), not just "timeout".
   */
  async waitUntilDrawn(roles: Role[] = ['generator', 'discriminator'], timeoutMs = 20_000): Promise<void> {
    for (const role of roles) {
      try {
        await this.nodes(role).first().waitFor({ state: 'visible', timeout: timeoutMs });
      } catch (error) {
        throw new Error(`the ${role} graph was not drawn within ${timeoutMs / 1000} s: ${await this.describe(role)}`, { cause: error });
      }
    }
  }

  /** What the panel shows for `role`, in words, for error messages. */
  async describe(role: Role): Promise<string> {
    const body = this.frame.locator('body');
    if ((await body.count()) === 0) return 'the webview has no document (is dist/webview/main.js in the .vsix?)';
    return body.evaluate((element, r) => {
      const doc = element.ownerDocument;
      const text = (selector: string) => doc.querySelector(selector)?.textContent?.trim();
      const panel = doc.querySelector(`.graph-panel[data-role="${r}"]`);
      if (!panel) return `no .graph-panel[data-role="${r}"]; the page says: ${(element.textContent ?? '').trim().slice(0, 300) || '(nothing)'}`;
      // Rendered size, not the attributes: CSS decides how much room the canvas gets.
      const svg = panel.querySelector('svg.graph-svg');
      const box = svg?.getBoundingClientRect();
      const size = box ? `${Math.round(box.width)}×${Math.round(box.height)} px canvas` : 'no svg canvas';
      const message = text(`.graph-panel[data-role="${r}"] .graph-message`) ?? text('[data-testid="architecture-empty"]') ?? text('.architecture [role="alert"]');
      return `${size} in a ${doc.defaultView?.innerWidth}×${doc.defaultView?.innerHeight} px webview, ${panel.querySelectorAll('g.graph-node').length} nodes${message ? `; message: ${message}` : ''}`;
    }, role);
  }

  nodes(role: Role): Locator {
    return this.frame.locator(`g.graph-node[data-role="${role}"]`);
  }

  node(role: Role, key: string): Locator {
    return this.frame.locator(`g.graph-node[data-role="${role}"][data-key="${cssString(key)}"]`);
  }

  /** Keys ("role/key") of the highlighted nodes, in both networks. */
  async highlighted(): Promise<string[]> {
    return this.frame.locator('g.graph-node.highlighted').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-role')}/${n.getAttribute('data-key')}`));
  }

  async shapeOf(role: Role, key: string): Promise<string> {
    return (await this.node(role, key).locator('.node-shape').textContent())?.trim() ?? '';
  }

  /** The network's header: trainable totals and "→ [28, 28, 1]". */
  totals(role: Role): Locator {
    return this.frame.locator(`[data-testid="${role}-totals"]`);
  }

  panel(role: Role): Locator {
    return this.frame.locator(`.graph-panel[data-role="${role}"]`);
  }

  /** The canvas' rendered size in CSS pixels. */
  async canvasSize(role: Role): Promise<{ width: number; height: number }> {
    const box = await this.panel(role).locator('svg.graph-svg').boundingBox();
    return { width: box?.width ?? 0, height: box?.height ?? 0 };
  }

  /** Fits the whole network into its canvas (the toolbar's ⤢ button), as a person would before clicking a far node. */
  async fit(role: Role): Promise<void> {
    await this.panel(role).locator('button[aria-label="Fit to view"]').click();
  }

  /**
   * Every drawn edge of a network as "fromKey→toKey", with " skip" for skip connections.
   * Edges name node ids; they are mapped back to layer keys through the nodes.
   */
  async edgeList(role: Role): Promise<string[]> {
    return this.panel(role).evaluate((panel) => {
      // Index loops: this runs in the browser, and tsconfig's lib has no DOM iterables.
      const keyOf = new Map<string, string>();
      const nodes = panel.querySelectorAll('g.graph-node');
      for (let i = 0; i < nodes.length; i++) keyOf.set(nodes[i].getAttribute('data-node-id') ?? '', nodes[i].getAttribute('data-key') ?? '');
      const edges = panel.querySelectorAll('.graph-edge[data-from][data-to]');
      const list: string[] = [];
      for (let i = 0; i < edges.length; i++) {
        const from = edges[i].getAttribute('data-from') ?? '';
        const to = edges[i].getAttribute('data-to') ?? '';
        list.push(`${keyOf.get(from) ?? from}→${keyOf.get(to) ?? to}${edges[i].classList.contains('skip') ? ' skip' : ''}`);
      }
      return list;
    });
  }
}

/** Escapes a value for a double-quoted CSS attribute selector (keys such as "#4"). */
function cssString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
