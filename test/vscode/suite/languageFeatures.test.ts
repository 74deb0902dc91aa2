import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { positionOf, workspaceFile } from './helpers';

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');

describe('hover and CodeLens', () => {
  it('hover on a layer shows its output shape and parameters', async () => {
    const uri = workspaceFile('dcgan-mnist.gan.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    // Inside the generator's last layer (the tanh transposed convolution).
    const offset = text.indexOf('"activation": "tanh"');
    assert.ok(offset > 0);
    const p = positionOf(text, offset + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(p.line, p.character));
    const shown = hoverText(hovers);
    assert.match(shown, /output shape/);
    assert.match(shown, /\[28, 28, 1\]/);
    assert.match(shown, /generator layer 10/);
    // 5·5·64·1 weights, no bias.
    assert.match(shown, /trainable parameters \| 1,600 /);
  });

  it('hover on a discriminator layer shows that layer, not the generator\'s', async () => {
    const uri = workspaceFile('dcgan-mnist.gan.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const offset = text.indexOf('"type": "flatten"');
    const p = positionOf(text, offset + 2);
    const shown = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(p.line, p.character)));
    assert.match(shown, /discriminator layer 6/);
    assert.match(shown, /\[6272\]/, '7·7·128 values after flatten');
  });

  it('CodeLens offers Show Architecture, Train and the parameter totals', async () => {
    const uri = workspaceFile('dcgan-mnist.gan.json');
    await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((l) => l.command);
    const show = ours.find((l) => l.command?.command === 'ganStudio.showArchitecture');
    const train = ours.find((l) => l.command?.command === 'ganStudio.train');
    assert.ok(show, 'a Show Architecture lens');
    assert.ok(train, 'a Train lens');
    assert.match(show.command!.title, /Show Architecture/);
    assert.match(train.command!.title, /Train/);
    assert.equal(String(show.command!.arguments?.[0]), uri.toString(), 'the lens opens this file');
    assert.equal(show.range.start.line, 0, 'at the top of the file');
    // The totals the example's description quotes from Keras' summary().
    assert.ok(ours.some((l) => l.command?.title === 'G 2,305,472 · D 212,865 parameters'), ours.map((l) => l.command?.title).join(' | '));
  });
});
