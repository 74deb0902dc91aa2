import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertRange, rangeOfText, waitFor, workspaceFile, writeVariant } from './helpers';

const ganStudio = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'GAN Studio');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

describe('diagnostics', () => {
  it('reports a generator whose output is not the data shape at the last layer\'s "type" value', async () => {
    // The last transposed convolution makes 3 channels; MNIST has 1.
    const { uri, text } = await writeVariant('dcgan-mnist.gan.json', 'broken-output.gan.json', [['"filters": 1,', '"filters": 3,']]);
    await open(uri);
    const found = await waitFor('generator-output-mismatch', () => ganStudio(uri).find((d) => codeOf(d) === 'generator-output-mismatch'));
    const lastLayerType = text.lastIndexOf('"conv2dTranspose"', text.indexOf('"filters": 3,'));
    assertRange(found.range, rangeOfText(text, '"conv2dTranspose"', lastLayerType), 'generator-output-mismatch');
    assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found.source, 'GAN Studio');
    assert.match(found.message, /\[28, 28, 3\]/, 'the message names the shape the generator makes');
  });

  it('reports an L1 loss on unpaired data at the "l1" key', async () => {
    const { uri, text } = await writeVariant('dcgan-mnist.gan.json', 'broken-l1.gan.json', [['"loss": { "kind": "nonSaturating" }', '"loss": { "kind": "nonSaturating", "l1": 100 }']]);
    await open(uri);
    const found = await waitFor('loss-needs-paired-data', () => ganStudio(uri).find((d) => codeOf(d) === 'loss-needs-paired-data'));
    assertRange(found.range, rangeOfText(text, '"l1"', '"loss"'), 'loss-needs-paired-data');
    assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found.source, 'GAN Studio');
    assert.match(found.message, /pairedImages/);
  });

  it('leaves schema errors to VS Code\'s JSON support ("filters": 0), without a duplicate', async () => {
    const { uri, text } = await writeVariant('dcgan-mnist.gan.json', 'broken-schema.gan.json', [['{ "type": "conv2d", "filters": 64,', '{ "type": "conv2d", "filters": 0,']]);
    await open(uri);
    const zero = rangeOfText(text, '0', '{ "type": "conv2d", "filters": 0,' /* the discriminator's first layer */);
    const valueRange = { start: zero.start, end: zero.end };
    // The JSON language service validates against contributes.jsonValidation's schema.
    const schemaError = await waitFor(
      'a JSON-schema diagnostic on "filters": 0',
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source !== 'GAN Studio' && d.range.start.line === valueRange.start.line && d.range.start.character === valueRange.start.character),
      20_000,
    );
    assertRange(schemaError.range, valueRange, 'schema diagnostic');
    assert.match(schemaError.message, /minimum|1/i);
    assert.ok(!ganStudio(uri).some((d) => d.range.isEqual(schemaError.range) && d.message === schemaError.message), 'GAN Studio does not repeat the schema error');
  });

  it('follows edits: a problem typed in appears, and goes away when undone', async () => {
    const uri = workspaceFile('cgan-mnist.gan.json');
    const document = await open(uri);
    assert.equal(ganStudio(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length, 0, 'the example starts clean');
    const text = document.getText();
    const at = text.indexOf('"loss": {') + '"loss": {'.length;
    assert.ok(at > '"loss": {'.length, 'cgan-mnist has a loss object');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.positionAt(at), ' "l1": 10,');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the typed-in problem', () => ganStudio(uri).some((d) => codeOf(d) === 'loss-needs-paired-data'));
    await vscode.commands.executeCommand('undo');
    await waitFor('the problem to go away after undo', () => !ganStudio(uri).some((d) => codeOf(d) === 'loss-needs-paired-data'));
    assert.equal(document.getText(), text);
  });

  it('finds no errors in any of the examples', async () => {
    const examples = (await vscode.workspace.findFiles('*.gan.json')).filter((u) => !u.path.split('/').pop()!.startsWith('broken-'));
    assert.ok(examples.length >= 5, `found ${examples.length} examples`);
    for (const uri of examples) await vscode.workspace.openTextDocument(uri);
    // Diagnostics are published on open; the broken variant above proves publishing works,
    // so an empty list here means "no problems", not "not checked yet".
    await new Promise((resolve) => setTimeout(resolve, 500));
    const errors = examples.flatMap((uri) => ganStudio(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => `${uri.path}: ${d.message}`));
    assert.deepEqual(errors, []);
  });
});
