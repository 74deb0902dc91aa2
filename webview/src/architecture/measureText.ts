/** Text widths for node sizes, measured with the font the SVG will use. */
let context: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export function measureText(text: string, font: string): number {
  const cacheKey = `${font}\u0000${text}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  context ??= document.createElement('canvas').getContext('2d');
  let width: number;
  if (context) {
    context.font = font;
    width = context.measureText(text).width;
  } else {
    width = text.length * 7; // no canvas: a generous average glyph width
  }
  if (cache.size > 5000) cache.clear();
  cache.set(cacheKey, width);
  return width;
}
