/**
 * Checks a JSON tree against `GAN_SCHEMA` and reports each mismatch at its exact place.
 *
 * It interprets the subset of JSON Schema that `schema.ts` uses (type, const, enum,
 * numeric bounds, string length and pattern, properties/required/additionalProperties,
 * items/minItems/maxItems, anyOf, $ref, and `allOf` of `if {tag: const} then $ref` for
 * tagged unions). A generic validator would report every branch of a union; this one
 * picks the branch by the tag (`type`, `kind`) or by the value's JSON type, so a user
 * sees one message that says what to write instead.
 */
import { getNodePath, Node } from 'jsonc-parser';
import { anchorOf } from './locate';
import { JsonPath, Problem, ProblemCode } from './problems';
import { GAN_SCHEMA, SchemaNode } from './schema';

export interface SchemaCheck {
  problems: Problem[];
  /** JSON paths (joined with '/') where a schema problem was found, for later checks to skip. */
  invalidPaths: Set<string>;
}

export function validateAgainstSchema(root: Node, schema: SchemaNode = GAN_SCHEMA): SchemaCheck {
  const validator = new Validator(schema);
  validator.check(root, schema);
  return { problems: validator.problems, invalidPaths: new Set(validator.invalidLog) };
}

export function pathKey(path: JsonPath): string {
  return path.join('/');
}

/** True when a schema problem was found at `path` or inside it. */
export function isInvalidWithin(invalidPaths: Set<string>, path: JsonPath): boolean {
  const prefix = pathKey(path);
  for (const p of invalidPaths) {
    if (p === prefix || p.startsWith(prefix + '/') || prefix === '') return true;
  }
  return false;
}

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

class Validator {
  readonly problems: Problem[] = [];
  /** Paths of the problems found, in order (truncated with `problems` when a branch is tried). */
  readonly invalidLog: string[] = [];

  constructor(private readonly rootSchema: SchemaNode) {}

  /** Returns true when `node` satisfies `schema`; reports problems otherwise. */
  check(node: Node, schema: SchemaNode): boolean {
    schema = this.resolve(schema);
    if ('const' in schema) {
      if (valueOf(node) !== schema.const) {
        return this.report('bad-value', `Expected ${JSON.stringify(schema.const)} here.`, node);
      }
      return true;
    }
    if (Array.isArray(schema.enum)) return this.checkEnum(node, schema);
    if (Array.isArray(schema.anyOf)) return this.checkAnyOf(node, schema.anyOf as SchemaNode[]);
    if (typeof schema.type === 'string' && !matchesType(node, schema.type as JsonType)) {
      return this.report('wrong-type', `Expected ${describe(schema)}, found ${describeNode(node)}.`, node);
    }
    switch (node.type) {
      case 'object':
        return this.checkObject(node, schema);
      case 'array':
        return this.checkArray(node, schema);
      case 'number':
        return this.checkNumber(node, schema);
      case 'string':
        return this.checkString(node, schema);
      default:
        return true;
    }
  }

  private resolve(schema: SchemaNode): SchemaNode {
    while (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/definitions/', '');
      const definitions = this.rootSchema.definitions as Record<string, SchemaNode>;
      schema = definitions[name];
    }
    return schema;
  }

  private checkEnum(node: Node, schema: SchemaNode): boolean {
    const allowed = schema.enum as string[];
    const value = valueOf(node);
    if (allowed.includes(value as string)) return true;
    if (node.type !== 'string') {
      return this.report('wrong-type', `Expected one of ${listOf(allowed)}, found ${describeNode(node)}.`, node);
    }
    const guess = closest(String(value), allowed);
    const hint = guess ? ` Did you mean "${guess}"?` : '';
    return this.report('bad-value', `"${value}" is not allowed here; expected one of ${listOf(allowed)}.${hint}`, node);
  }

  private checkAnyOf(node: Node, branches: SchemaNode[]): boolean {
    for (const branch of branches) {
      if (this.silently(() => this.check(node, branch))) return true;
    }
    // If exactly one branch expects this JSON type, its own message is the precise one.
    const sameType = branches.filter((b) => acceptsNodeType(this.resolve(b), node));
    if (sameType.length === 1) return this.check(node, sameType[0]);
    const options = branches.map((b) => describe(this.resolve(b)));
    return this.report('wrong-type', `Expected ${options.join(', or ')}; found ${describeNode(node)}.`, node);
  }

  private checkObject(node: Node, schema: SchemaNode): boolean {
    let ok = true;
    const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
    const present = new Map<string, Node>();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key) continue;
      const name = String(key.value);
      present.set(name, value);
      if (!value) {
        // "key": with no value is a syntax error, already reported; just keep later checks off it.
        this.invalidLog.push(pathKey([...getNodePath(node), name]));
        ok = false;
      } else if (name in properties) {
        ok = this.check(value, properties[name]) && ok;
      } else if (schema.additionalProperties === false) {
        const guess = closest(name, Object.keys(properties));
        const hint = guess ? ` Did you mean "${guess}"?` : ` Allowed keys: ${listOf(Object.keys(properties).filter((k) => k !== '$schema'))}.`;
        this.problems.push(this.problem('unknown-key', `Unknown key "${name}"${where(schema)}.${hint}`, key.offset, key.offset + key.length, [...getNodePath(node), name]));
        ok = false;
      }
    }
    for (const name of (schema.required ?? []) as string[]) {
      if (!present.has(name)) {
        ok = this.report('missing-key', `Missing "${name}"${where(schema)}: ${firstSentence(properties[name])}`, node) && ok;
      }
    }
    const union = taggedUnionOf(schema);
    if (union) {
      // A tagged union: read the tag once and check the branch it names.
      const tagNode = present.get(union.tag);
      const branch = tagNode ? union.branches.get(valueOf(tagNode) as string) : undefined;
      if (branch) ok = this.check(node, branch) && ok;
    } else {
      for (const rule of (schema.allOf ?? []) as SchemaNode[]) {
        if (this.silently(() => this.check(node, rule.if as SchemaNode))) ok = this.check(node, rule.then as SchemaNode) && ok;
      }
    }
    return ok;
  }

  private checkArray(node: Node, schema: SchemaNode): boolean {
    const items = node.children ?? [];
    let ok = true;
    const min = schema.minItems as number | undefined;
    const max = schema.maxItems as number | undefined;
    if (min !== undefined && items.length < min) {
      ok = this.report('bad-length', min === max ? `Expected exactly ${min} item${min === 1 ? '' : 's'}, found ${items.length}.` : `Expected at least ${min} item${min === 1 ? '' : 's'}, found ${items.length}.`, node);
    } else if (max !== undefined && items.length > max) {
      ok = this.report('bad-length', min === max ? `Expected exactly ${max} items, found ${items.length}.` : `Expected at most ${max} items, found ${items.length}.`, node);
    }
    if (schema.items) {
      items.forEach((item, index) => {
        ok = this.check(item, schema.items as SchemaNode) && ok;
      });
    }
    return ok;
  }

  private checkNumber(node: Node, schema: SchemaNode): boolean {
    const value = node.value as number;
    const bounds: [string, (v: number, b: number) => boolean, string][] = [
      ['minimum', (v, b) => v >= b, 'at least'],
      ['exclusiveMinimum', (v, b) => v > b, 'greater than'],
      ['maximum', (v, b) => v <= b, 'at most'],
      ['exclusiveMaximum', (v, b) => v < b, 'less than'],
    ];
    for (const [keyword, holds, words] of bounds) {
      const bound = schema[keyword];
      if (typeof bound === 'number' && !holds(value, bound)) {
        return this.report('out-of-range', `${value} is out of range: must be ${words} ${bound}${where(schema, ' for ')}.`, node);
      }
    }
    return true;
  }

  private checkString(node: Node, schema: SchemaNode): boolean {
    const value = node.value as string;
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      return this.report('bad-value', 'This must not be empty.', node);
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      return this.report('bad-value', `"${value}" is not a valid name: use letters, digits, "_", "-" and ".", starting with a letter or "_".`, node);
    }
    return true;
  }

  /** Runs a check without keeping its problems; for trying union branches. */
  private silently(run: () => boolean): boolean {
    const problemsBefore = this.problems.length;
    const invalidBefore = this.invalidLog.length;
    const ok = run();
    this.problems.length = problemsBefore;
    this.invalidLog.length = invalidBefore;
    return ok;
  }

  private report(code: ProblemCode, message: string, node: Node): false {
    const range = anchorOf(node);
    // Paths are computed only here, from the node's parents: most nodes never need one.
    this.problems.push(this.problem(code, message, range.start, range.end, getNodePath(node)));
    return false;
  }

  private problem(code: ProblemCode, message: string, start: number, end: number, path: JsonPath): Problem {
    this.invalidLog.push(pathKey(path));
    return { code, severity: 'error', origin: 'schema', message, path, start, end };
  }
}

interface TaggedUnion {
  tag: string;
  branches: Map<string, SchemaNode>;
}

const unionCache = new WeakMap<SchemaNode, TaggedUnion | null>();

/**
 * Recognises `allOf: [{ if: { properties: { tag: { const: v } } }, then: … }, …]` (how
 * schema.ts writes tagged unions) and indexes its branches by tag value, so that a layer
 * is checked against its own branch instead of trying all 21.
 */
function taggedUnionOf(schema: SchemaNode): TaggedUnion | undefined {
  if (!Array.isArray(schema.allOf)) return undefined;
  let union = unionCache.get(schema);
  if (union === undefined) {
    union = null;
    const branches = new Map<string, SchemaNode>();
    let tag: string | undefined;
    for (const rule of schema.allOf as SchemaNode[]) {
      const entries = Object.entries(((rule.if as SchemaNode | undefined)?.properties ?? {}) as Record<string, SchemaNode>);
      if (entries.length !== 1 || typeof entries[0][1].const !== 'string' || (tag !== undefined && entries[0][0] !== tag)) {
        tag = undefined;
        break;
      }
      tag = entries[0][0];
      branches.set(entries[0][1].const as string, rule.then as SchemaNode);
    }
    if (tag !== undefined) union = { tag, branches };
    unionCache.set(schema, union);
  }
  return union ?? undefined;
}

function valueOf(node: Node): unknown {
  return node.type === 'object' || node.type === 'array' ? undefined : node.value;
}

function matchesType(node: Node, type: JsonType): boolean {
  if (type === 'integer') return node.type === 'number' && Number.isInteger(node.value);
  return node.type === type;
}

function acceptsNodeType(schema: SchemaNode, node: Node): boolean {
  if (Array.isArray(schema.enum)) return node.type === 'string';
  if (typeof schema.type === 'string') return schema.type === 'integer' ? node.type === 'number' : schema.type === node.type;
  return false;
}

const ARTICLE_TYPES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

/** A short English description of what a schema accepts. */
function describe(schema: SchemaNode): string {
  if (Array.isArray(schema.enum)) return `one of ${listOf(schema.enum as string[])}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = schema.type as string | undefined;
  if (type === 'integer' && schema.minimum === 1) return 'a positive whole number';
  if (type === 'integer' && schema.minimum === 0) return 'a whole number ≥ 0';
  if (type === 'array' && schema.items && typeof (schema.items as SchemaNode).$ref === 'string') {
    return `an array of ${String((schema.items as SchemaNode).$ref).replace('#/definitions/', '')}s`;
  }
  if (type === 'array' && schema.items) {
    const count = schema.minItems === schema.maxItems ? `${schema.minItems} ` : '';
    const inner = describe(schema.items as SchemaNode).replace(/^an? /, '');
    return `an array of ${count}${plural(inner)}`;
  }
  return type ? ARTICLE_TYPES[type] ?? type : 'a value';
}

function plural(noun: string): string {
  return noun.replace(/^(positive whole number|whole number|number|string|array|object)/, '$1s');
}

function describeNode(node: Node): string {
  switch (node.type) {
    case 'string':
      return `the string ${JSON.stringify(truncate(String(node.value)))}`;
    case 'number':
      return `the number ${node.value}`;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'array':
      return 'an array';
    default:
      return 'an object';
  }
}

function truncate(s: string): string {
  return s.length > 30 ? s.slice(0, 27) + '…' : s;
}

function listOf(values: string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** " in a conv2d layer" etc., from the schema's const tag, to make messages self-explaining. */
function where(schema: SchemaNode, joiner = ' in '): string {
  const properties = schema.properties as Record<string, SchemaNode> | undefined;
  const tag = properties?.type?.const ?? properties?.kind?.const;
  return typeof tag === 'string' ? `${joiner}a ${tag} ${properties?.type ? 'layer' : 'data source'}` : '';
}

function firstSentence(schema: SchemaNode | undefined): string {
  const text = (schema?.description as string | undefined) ?? '';
  const sentence = text.split(/(?<=\.)\s/)[0];
  return sentence || 'this key is required.';
}

/** The allowed word closest to a typo, if it is close enough to be a plausible intent. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
