/**
 * The drawn diagram as a file of its own: an SVG with every colour and font written into
 * it (the `--vscode-*` variables do not exist outside the panel), or that SVG drawn to a
 * canvas as a PNG.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const GAP = 48;
const TITLE_HEIGHT = 40;
const HEADING_HEIGHT = 28;

// The presentation properties the stylesheet sets on the diagram's elements.
const INLINED = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linejoin',
  'stroke-linecap',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'visibility',
];

function inlineStyles(live: Element, copy: Element): void {
  const computed = getComputedStyle(live);
  for (const name of INLINED) {
    const value = computed.getPropertyValue(name);
    if (value) copy.setAttribute(name, value);
  }
  // `display` is left out: the low-detail zoom level hides text the file should keep.
  copy.removeAttribute('class');
  copy.removeAttribute('tabindex');
  copy.removeAttribute('role');
  for (let i = 0; i < live.children.length; i++) {
    const child = copy.children[i];
    if (child) inlineStyles(live.children[i], child);
  }
}

function text(doc: Document, content: string, x: number, y: number, size: number, weight: string, color: string, family: string): SVGTextElement {
  const element = doc.createElementNS(SVG_NS, 'text');
  element.setAttribute('x', String(x));
  element.setAttribute('y', String(y));
  element.setAttribute('font-size', `${size}px`);
  element.setAttribute('font-weight', weight);
  element.setAttribute('font-family', family);
  element.setAttribute('fill', color);
  element.textContent = content;
  return element;
}

export interface ExportedSvg {
  svg: string;
  width: number;
  height: number;
}

/** Undefined when no diagram is drawn yet. */
export function exportDiagramSvg(title: string): ExportedSvg | undefined {
  const graphs = Array.from(document.querySelectorAll<SVGGElement>('[data-export-graph]'));
  if (graphs.length === 0) return undefined;
  const bodyStyle = getComputedStyle(document.body);
  const background = bodyStyle.getPropertyValue('--vscode-editor-background').trim() || bodyStyle.backgroundColor || '#ffffff';
  const foreground = bodyStyle.getPropertyValue('--vscode-editor-foreground').trim() || bodyStyle.color || '#000000';
  const family = bodyStyle.fontFamily || 'sans-serif';

  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  let x = GAP / 2;
  let height = 0;
  const parts: Element[] = [];
  for (const graph of graphs) {
    const width = Number(graph.dataset.width) || graph.getBBox().width;
    const graphHeight = Number(graph.dataset.height) || graph.getBBox().height;
    const copy = graph.cloneNode(true) as SVGGElement;
    inlineStyles(graph, copy);
    copy.removeAttribute('data-export-graph');
    copy.setAttribute('transform', `translate(${x} ${TITLE_HEIGHT + HEADING_HEIGHT})`);
    const role = graph.dataset.exportGraph ?? '';
    parts.push(text(document, role.charAt(0).toUpperCase() + role.slice(1), x + 16, TITLE_HEIGHT + 18, 15, '600', foreground, family), copy);
    x += width + GAP;
    height = Math.max(height, graphHeight);
  }
  const width = Math.ceil(Math.max(x - GAP / 2, 320));
  const totalHeight = Math.ceil(TITLE_HEIGHT + HEADING_HEIGHT + height + GAP / 2);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(totalHeight));
  root.setAttribute('viewBox', `0 0 ${width} ${totalHeight}`);
  const backdrop = document.createElementNS(SVG_NS, 'rect');
  backdrop.setAttribute('width', '100%');
  backdrop.setAttribute('height', '100%');
  backdrop.setAttribute('fill', background);
  root.append(backdrop, text(document, title, GAP / 2 + 16, 28, 18, '600', foreground, family), ...parts);
  const svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root);
  return { svg, width, height: totalHeight };
}

// Browsers refuse canvases past about 16k pixels a side on some GPUs; stay under.
const MAX_SIDE = 16000;

export async function exportDiagramPng(title: string): Promise<string | undefined> {
  const exported = exportDiagramSvg(title);
  if (!exported) return undefined;
  const scale = Math.min(2, MAX_SIDE / exported.width, MAX_SIDE / exported.height);
  const image = new Image();
  // A data: URL, not a blob:, so the CSP needs only `img-src data:` for it.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(exported.svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(exported.width * scale);
  canvas.height = Math.round(exported.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2-D canvas to draw the PNG on.');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, exported.width, exported.height);
  return canvas.toDataURL('image/png');
}
