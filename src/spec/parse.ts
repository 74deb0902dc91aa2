/**
 * Text → JSON tree with offsets. Never throws: malformed text becomes problems.
 *
 * The tree (jsonc-parser's `Node`) keeps every key's and value's offset, so any later
 * check can point at the exact text it is about. Comments and trailing commas are
 * allowed: a `.gan.json` is meant to be written and annotated by hand.
 */
import { createScanner, Node, ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { Problem } from './problems';

/** Deeper than any real GAN file; guards the recursive parser against junk. */
export const MAX_DEPTH = 64;

export interface ParsedText {
  text: string;
  /** Absent when the text is empty, too deep, or not even partly JSON. */
  root?: Node;
  problems: Problem[];
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character.',
  InvalidNumberFormat: 'This is not a valid number.',
  PropertyNameExpected: 'Expected a key in double quotes.',
  ValueExpected: 'Expected a value here.',
  ColonExpected: 'Expected a colon after the key.',
  CommaExpected: 'Expected a comma between entries.',
  CloseBraceExpected: 'Expected } to close the object.',
  CloseBracketExpected: 'Expected ] to close the array.',
  EndOfFileExpected: 'Expected the end of the file: the file must hold exactly one JSON object.',
  InvalidCommentToken: 'This comment is not closed properly.',
  UnexpectedEndOfComment: 'The comment is not closed (missing */).',
  UnexpectedEndOfString: 'The string is not closed (missing ").',
  UnexpectedEndOfNumber: 'The number ends too early.',
  InvalidUnicode: 'Invalid \\u escape in a string.',
  InvalidEscapeCharacter: 'Invalid escape sequence in a string.',
  InvalidCharacter: 'Invalid character in a string (control characters must be escaped).',
};

export function parseJsonText(text: string): ParsedText {
  if (text.trim() === '') {
    return {
      text,
      problems: [problemAt('empty-file', 'The file is empty: a .gan.json holds one JSON object with data, generator, discriminator, loss and training. Run "GAN Studio: New GAN File…" to start from an example.', 0, 0)],
    };
  }

  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== undefined) {
    return {
      text,
      problems: [problemAt('too-deep', `Values are nested more than ${MAX_DEPTH} levels deep here; a GAN file never needs that. Is this the right file?`, tooDeep, tooDeep + 1)],
    };
  }

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems = syntaxProblems(text, errors);
  if (root) findDuplicateKeys(root, problems);
  return { text, root, problems };
}

/**
 * The parser's errors as problems. A truncated file gets one "Expected }" per open object,
 * all at the same offset; they become one problem that says how many are open.
 */
function syntaxProblems(text: string, errors: ParseError[]): Problem[] {
  const byPlace = new Map<string, { error: ParseError; name: string; count: number }>();
  for (const error of errors) {
    const name = printParseErrorCode(error.error);
    const place = `${name}@${error.offset}`;
    const seen = byPlace.get(place);
    if (seen) seen.count++;
    else byPlace.set(place, { error, name, count: 1 });
  }
  return [...byPlace.values()].map(({ error, name, count }) => {
    let message = SYNTAX_MESSAGES[name] ?? `JSON syntax error (${name}).`;
    if (count > 1 && name === 'CloseBraceExpected') message += ` ${count} objects are still open here.`;
    if (count > 1 && name === 'CloseBracketExpected') message += ` ${count} arrays are still open here.`;
    const start = Math.min(error.offset, text.length);
    return problemAt('json-syntax', message, start, Math.min(text.length, start + Math.max(error.length, 1)));
  });
}

function problemAt(code: 'empty-file' | 'too-deep' | 'json-syntax' | 'duplicate-key', message: string, start: number, end: number): Problem {
  return { code, severity: 'error', origin: 'syntax', message, path: [], start, end };
}

/** Offset of the first bracket that opens level MAX_DEPTH + 1, if any. Linear, no recursion. */
function findExcessiveNesting(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== 17 /* EOF */; token = scanner.scan()) {
    if (token === 1 /* { */ || token === 3 /* [ */) {
      depth++;
      if (depth > MAX_DEPTH) return scanner.getTokenOffset();
    } else if (token === 2 /* } */ || token === 4 /* ] */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** JSON allows repeated keys but only the last counts: almost always a mistake in a hand-written file. */
function findDuplicateKeys(root: Node, problems: Problem[]): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'object' && node.children) {
      const seen = new Set<string>();
      for (const property of node.children) {
        const key = property.children?.[0];
        if (!key) continue;
        const name = String(key.value);
        if (seen.has(name)) {
          problems.push(problemAt('duplicate-key', `"${name}" appears twice in this object; only the last one would count. Remove one.`, key.offset, key.offset + key.length));
        }
        seen.add(name);
      }
    }
    // (a loop, not push(...children): a layer list can have 100,000 entries)
    for (const child of node.children ?? []) stack.push(child);
  }
}
