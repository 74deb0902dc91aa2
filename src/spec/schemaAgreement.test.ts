/**
 * The schema (schema.ts) and the TypeScript types (types.ts) are written separately — the
 * schema carries the documentation, the types carry the code — so this test derives a
 * schema from the types with ts-json-schema-generator and walks both side by side: every
 * object must list the same keys and required keys, every enum the same values, and
 * every tagged union the same branches. Adding a key to one and not the other fails here.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { analyzeText } from './analyze';
import { GAN_SCHEMA, SchemaNode } from './schema';

const repoRoot = join(__dirname, '..', '..', '..');

type Schema = { [key: string]: unknown };

function resolver(root: Schema) {
  return (node: Schema): Schema => {
    while (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/definitions/', '');
      node = (root.definitions as Record<string, Schema>)[name];
    }
    return node;
  };
}

/** The branches of a tagged union in our schema: tag value → branch schema. */
function ourBranches(node: Schema, resolve: (n: Schema) => Schema): Map<string, Schema> | undefined {
  if (!Array.isArray(node.allOf)) return undefined;
  const branches = new Map<string, Schema>();
  for (const rule of node.allOf as Schema[]) {
    const condition = (rule.if as Schema).properties as Record<string, Schema>;
    const [tagValue] = Object.values(condition).map((c) => c.const as string);
    branches.set(tagValue, resolve(rule.then as Schema));
  }
  return branches;
}

/** The branches of a union of objects in the generated schema, keyed by their tag's const. */
function theirBranches(node: Schema, resolve: (n: Schema) => Schema): Map<string, Schema> | undefined {
  if (!Array.isArray(node.anyOf)) return undefined;
  const branches = new Map<string, Schema>();
  for (const option of (node.anyOf as Schema[]).map(resolve)) {
    const properties = option.properties as Record<string, Schema> | undefined;
    const tag = properties?.type?.const ?? properties?.kind?.const;
    if (typeof tag !== 'string') return undefined;
    branches.set(tag, option);
  }
  return branches;
}

/** Enum values accepted at a node (following anyOf), or undefined when it is not an enum. */
function enumValues(node: Schema, resolve: (n: Schema) => Schema): string[] | undefined {
  if (Array.isArray(node.enum)) return [...(node.enum as string[])].sort();
  if (Array.isArray(node.anyOf)) {
    const values = (node.anyOf as Schema[]).map(resolve).flatMap((o) => (Array.isArray(o.enum) ? (o.enum as string[]) : typeof o.const === 'string' ? [o.const] : []));
    return values.length ? values.sort() : undefined;
  }
  return undefined;
}

function compare(ours: Schema, theirs: Schema, path: string, resolveOurs: (n: Schema) => Schema, resolveTheirs: (n: Schema) => Schema, mismatches: string[], seen: Set<string>): void {
  ours = resolveOurs(ours);
  theirs = resolveTheirs(theirs);
  if (seen.has(path)) return;
  seen.add(path);

  const ourUnion = ourBranches(ours, resolveOurs);
  const theirUnion = theirBranches(theirs, resolveTheirs);
  if (ourUnion || theirUnion) {
    if (!ourUnion || !theirUnion) {
      mismatches.push(`${path}: a tagged union in only one of schema.ts / types.ts`);
      return;
    }
    const ourTags = [...ourUnion.keys()].sort();
    const theirTags = [...theirUnion.keys()].sort();
    if (JSON.stringify(ourTags) !== JSON.stringify(theirTags)) {
      mismatches.push(`${path}: union branches differ: schema.ts ${ourTags.join(',')} vs types.ts ${theirTags.join(',')}`);
    }
    for (const tag of ourTags) {
      if (theirUnion.has(tag)) compare(ourUnion.get(tag)!, theirUnion.get(tag)!, `${path}<${tag}>`, resolveOurs, resolveTheirs, mismatches, seen);
    }
    return;
  }

  const ourEnum = enumValues(ours, resolveOurs);
  const theirEnum = enumValues(theirs, resolveTheirs);
  if (ourEnum && theirEnum && JSON.stringify(ourEnum) !== JSON.stringify(theirEnum)) {
    mismatches.push(`${path}: enum values differ: schema.ts ${ourEnum.join(',')} vs types.ts ${theirEnum.join(',')}`);
  }

  if (ours.type === 'object' || theirs.type === 'object') {
    const ourProps = (ours.properties ?? {}) as Record<string, Schema>;
    const theirProps = (theirs.properties ?? {}) as Record<string, Schema>;
    const ourKeys = Object.keys(ourProps).sort();
    const theirKeys = Object.keys(theirProps).sort();
    if (JSON.stringify(ourKeys) !== JSON.stringify(theirKeys)) {
      mismatches.push(`${path}: keys differ: schema.ts [${ourKeys}] vs types.ts [${theirKeys}]`);
    }
    const ourRequired = [...((ours.required ?? []) as string[])].sort();
    const theirRequired = [...((theirs.required ?? []) as string[])].sort();
    if (JSON.stringify(ourRequired) !== JSON.stringify(theirRequired)) {
      mismatches.push(`${path}: required keys differ: schema.ts [${ourRequired}] vs types.ts [${theirRequired}]`);
    }
    for (const key of ourKeys) {
      if (key in theirProps) compare(ourProps[key], theirProps[key], `${path}.${key}`, resolveOurs, resolveTheirs, mismatches, seen);
    }
  }
  if (ours.type === 'array' && theirs.type === 'array' && ours.items && theirs.items && !Array.isArray(theirs.items)) {
    compare(ours.items as Schema, theirs.items as Schema, `${path}[]`, resolveOurs, resolveTheirs, mismatches, seen);
  }
}

describe('schema.ts and types.ts', function () {
  this.timeout(60_000);

  it('describe the same keys, required keys, enums and unions', () => {
    const generated = createGenerator({
      path: join(repoRoot, 'src', 'spec', 'types.ts'),
      tsconfig: join(repoRoot, 'tsconfig.json'),
      type: 'GanSpec',
      skipTypeCheck: true,
      jsDoc: 'none',
    }).createSchema('GanSpec') as Schema;
    const ours = GAN_SCHEMA as Schema;
    const mismatches: string[] = [];
    compare(ours, generated, 'GanSpec', resolver(ours), resolver(generated), mismatches, new Set());
    assert.deepEqual(mismatches, []);
  });

  it('is what schemas/gan.schema.json holds (run `npm run build` after changing schema.ts)', () => {
    const written = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'gan.schema.json'), 'utf8')) as SchemaNode;
    assert.deepEqual(written, JSON.parse(JSON.stringify(GAN_SCHEMA)));
  });

  it('documents every key with markdownDescription', () => {
    const undocumented: string[] = [];
    const visit = (node: Schema, path: string) => {
      for (const [key, value] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
        if (key === '$schema' || key === 'type' || key === 'kind') continue;
        if (typeof value.markdownDescription !== 'string' && !value.$ref) undocumented.push(`${path}.${key}`);
        visit(value, `${path}.${key}`);
      }
      if (node.items) visit(node.items as Schema, `${path}[]`);
    };
    visit(GAN_SCHEMA as Schema, '');
    for (const [name, definition] of Object.entries(GAN_SCHEMA.definitions as Record<string, Schema>)) visit(definition, name);
    assert.deepEqual(undocumented, []);
  });

  it('offers a snippet for every layer type, and each snippet passes the schema', () => {
    const layer = (GAN_SCHEMA.definitions as Record<string, Schema>).layer;
    const snippets = layer.defaultSnippets as { label: string; body: Schema }[];
    const types = ((layer.properties as Record<string, Schema>).type.enum as string[]).slice().sort();
    assert.deepEqual(snippets.map((s) => s.label).sort(), types);
    for (const snippet of snippets) {
      const spec = {
        data: { kind: 'toy2d', distribution: 'ring' },
        latent: { size: 4 },
        generator: { layers: [{ type: 'dense', units: 2 }, snippet.body] },
        discriminator: { layers: [{ type: 'dense', units: 1 }] },
        loss: { kind: 'minimax' },
        training: { batchSize: 8, steps: 1, generatorOptimizer: { kind: 'adam', learningRate: 0.001 }, discriminatorOptimizer: { kind: 'adam', learningRate: 0.001 } },
      };
      const schemaProblems = analyzeText(JSON.stringify(spec)).problems.filter((p) => p.origin !== 'semantic');
      assert.deepEqual(schemaProblems.map((p) => p.message), [], `snippet ${snippet.label}`);
    }
  });
});
