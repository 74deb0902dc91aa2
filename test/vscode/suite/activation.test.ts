import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, waitFor, workspaceFile } from './helpers';

describe('activation', () => {
  it('activates on a .gan.json, which is JSON with comments, and returns its API', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('dcgan-mnist.gan.json'));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'jsonc', '*.gan.json is contributed as jsonc');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await waitFor('the extension to activate', () => extension.isActive);
    const api = await extensionApi();
    assert.equal(typeof api.panel.show, 'function');
    const analysis = api.cache.get(document);
    assert.deepEqual(analysis.generator?.outputShape, [28, 28, 1]);
    assert.equal(analysis.problems.filter((p) => p.severity === 'error').length, 0, 'the example has no errors');
  });

  it('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed: string[] = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.includes('ganStudio.showArchitecture'));
    // The training commands of issue 5 among them: a palette entry or CodeLens whose
    // command is missing fails with "command not found".
    for (const training of ['ganStudio.showTraining', 'ganStudio.train', 'ganStudio.stop', 'ganStudio.pause', 'ganStudio.resume', 'ganStudio.resumeFromCheckpoint', 'ganStudio.sampleNow', 'ganStudio.openRun', 'ganStudio.compareRuns']) {
      assert.ok(contributed.includes(training), `${training} is contributed`);
    }
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], 'contributed in package.json but not registered');
  });
});
