import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
// The command's own helpers, compiled by tsc; the command itself (quick pick and save
// dialog) is driven like a person in the UI test.
import { adaptTemplate, listTemplates } from '../../../src/extension/commands/newFile';
import { analyzeText } from '../../../src/spec';
import { EXTENSION_ID, readText, workspaceFile } from './helpers';

describe('New GAN File templates', () => {
  const extensionUri = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;

  it('lists every shipped example with its name and parameter counts', async () => {
    const templates = await listTemplates(extensionUri());
    const files = templates.map((t) => t.description);
    for (const example of ['cgan-mnist.gan.json', 'dcgan-64.gan.json', 'dcgan-mnist.gan.json', 'gan-2d-ring.gan.json', 'pix2pix-unet256.gan.json']) {
      assert.ok(files.includes(example), `${example} is a template (got ${files.join(', ')})`);
    }
    const dcgan = templates.find((t) => t.description === 'dcgan-mnist.gan.json')!;
    assert.equal(dcgan.label, 'DCGAN on MNIST (TensorFlow tutorial)');
    assert.match(dcgan.detail ?? '', /^G 2,305,472 · D 212,865 parameters/);
  });

  it('a template written into the workspace drops $schema, points data at the extension, and checks clean', async () => {
    const templates = await listTemplates(extensionUri());
    const pix2pix = templates.find((t) => t.description === 'pix2pix-unet256.gan.json')!;
    const source = await readText(pix2pix.file);
    const adapted = adaptTemplate(source, path.dirname(pix2pix.file.fsPath));
    assert.doesNotMatch(adapted, /"\$schema"/);
    const folder = parse(adapted).data.folder as string; // JSONC: templates may carry comments
    assert.equal(folder, path.join(extensionUri().fsPath, 'examples', 'data/facades/train'));

    const target = workspaceFile('from-template.gan.json');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(adapted));
    const analysis = analyzeText(adapted);
    assert.deepEqual(analysis.problems.filter((p) => p.severity === 'error'), []);
    assert.equal(analysis.generator?.trainableParams, 54_413_955);
    // And VS Code checks it like any .gan.json (language, no GAN Studio errors).
    const document = await vscode.workspace.openTextDocument(target);
    assert.equal(document.languageId, 'jsonc');
    // Published on open (no debounce): a moment is enough.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(vscode.languages.getDiagnostics(target).filter((d) => d.source === 'GAN Studio' && d.severity === vscode.DiagnosticSeverity.Error), []);
  });
});
