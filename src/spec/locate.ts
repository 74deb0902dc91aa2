/** From a JSON path to the text it names, for problems found after parsing. */
import { findNodeAtLocation, Node } from 'jsonc-parser';
import { JsonPath } from './problems';

export interface TextRange {
  start: number;
  end: number;
}

/** The node at `path`, or the deepest existing ancestor (so a missing key points at its parent). */
export function nodeAt(root: Node | undefined, path: JsonPath): Node | undefined {
  if (!root) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) return node;
  }
  return root;
}

/**
 * The range to highlight for `path`. `key` highlights the property name instead of its
 * value (for unknown keys). Objects and arrays are reduced to a short, readable anchor
 * (a layer's `"type"` value, or its opening bracket) rather than underlining many lines.
 */
export function rangeOf(root: Node | undefined, path: JsonPath, target: 'value' | 'key' = 'value'): TextRange {
  const node = nodeAt(root, path);
  if (!node) return { start: 0, end: 0 };
  if (target === 'key' && node.parent?.type === 'property') {
    const key = node.parent.children![0];
    return { start: key.offset, end: key.offset + key.length };
  }
  return anchorOf(node);
}

export function anchorOf(node: Node): TextRange {
  if (node.type === 'object') {
    for (const tag of ['type', 'kind']) {
      const value = findNodeAtLocation(node, [tag]);
      if (value && value.type === 'string') return { start: value.offset, end: value.offset + value.length };
    }
    // An object under a key: highlight the key ("generator": {…}).
    if (node.parent?.type === 'property') {
      const key = node.parent.children![0];
      return { start: key.offset, end: key.offset + key.length };
    }
    return { start: node.offset, end: node.offset + 1 };
  }
  if (node.type === 'array') {
    if (node.parent?.type === 'property') {
      const key = node.parent.children![0];
      // Short arrays ([4, 4]) are highlighted whole; long ones by their key.
      if (node.length <= 40) return { start: node.offset, end: node.offset + node.length };
      return { start: key.offset, end: key.offset + key.length };
    }
    return { start: node.offset, end: node.offset + 1 };
  }
  return { start: node.offset, end: node.offset + node.length };
}
