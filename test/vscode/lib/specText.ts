/**
 * Where things are in a .gan.json's text, computed from the text itself (not by the
 * extension), so that UI assertions compare the extension's behaviour with an independent
 * reading of the file.
 */
import { parse, ParseError } from 'jsonc-parser';

export interface TextSpot {
  /** 1-based line and column, as VS Code's status bar counts them. */
  line: number;
  column: number;
}

export function spotOf(text: string, offset: number): TextSpot {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** The one-line layer object `{ … }` on the (only) line containing `marker`. */
export function layerObjectOnLine(text: string, marker: string): { start: TextSpot; end: TextSpot; length: number } {
  const at = text.indexOf(marker);
  if (at < 0 || text.indexOf(marker, at + 1) >= 0) throw new Error(`expected exactly one "${marker}" in the file`);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const open = line.indexOf('{');
  const close = line.lastIndexOf('}');
  if (open < 0 || close < open) throw new Error(`the line with "${marker}" is not a one-line layer object`);
  return { start: spotOf(text, lineStart + open), end: spotOf(text, lineStart + close + 1), length: close + 1 - open };
}

/** The spec as data; .gan.json files may have comments, so not JSON.parse. */
export function parseSpec(text: string): GanSpecShape {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`the file does not parse (${errors.length} error(s), first at offset ${errors[0].offset})`);
  return value as GanSpecShape;
}

/** Just what the tests read; the real types live in src/spec/types.ts. */
export interface GanSpecShape {
  generator: { layers: LayerShape[] };
  discriminator: { layers: LayerShape[] };
}
export interface LayerShape {
  type: string;
  id?: string;
  with?: string[];
}

/** Keys of the generator's layers as the extension names them: `id`, else `#index`. */
export function layerKeys(spec: { layers: { id?: string }[] }): string[] {
  return spec.layers.map((layer, index) => layer.id ?? `#${index}`);
}
