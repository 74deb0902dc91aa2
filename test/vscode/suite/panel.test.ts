import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebviewToHost } from '../../../src/protocol';
import { closeAllEditors, extensionApi, waitFor, workspaceFile } from './helpers';

const panelTabs = () =>
  vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs.filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('ganStudio.panel')).map((tab) => ({ tab, group })),
  );

describe('the architecture panel', () => {
  before(closeAllEditors);
  after(closeAllEditors);

  it('Show Architecture opens one panel beside the editor, and its web app says ready', async () => {
    const api = await extensionApi();
    assert.equal(api.panel.isOpen, false, 'no panel yet');
    const received: WebviewToHost[] = [];
    const listener = api.panel.onDidReceiveMessage((m) => received.push(m));
    try {
      const uri = workspaceFile('dcgan-mnist.gan.json');
      const editor = await vscode.window.showTextDocument(uri);
      await vscode.commands.executeCommand('ganStudio.showArchitecture');
      await waitFor('the panel to open', () => api.panel.isOpen && panelTabs().length === 1);
      const [{ tab, group }] = panelTabs();
      assert.equal(tab.label, 'GAN Studio — dcgan-mnist.gan.json');
      assert.notEqual(group.viewColumn, editor.viewColumn, 'beside the editor, not over it');
      assert.equal(api.panel.currentDocumentUri?.toString(), uri.toString());
      // The React bundle (dist/webview/main.js) loaded under the panel's CSP and talks back.
      await waitFor('the webview app to post "ready"', () => received.some((m) => m.type === 'ready'), 20_000);
    } finally {
      listener.dispose();
    }
  });

  it('reuses the one panel for another file (the CodeLens passes its URI)', async () => {
    const api = await extensionApi();
    const uri = workspaceFile('pix2pix-unet256.gan.json');
    await vscode.commands.executeCommand('ganStudio.showArchitecture', uri);
    await waitFor('the panel to show pix2pix', () => api.panel.currentDocumentUri?.toString() === uri.toString());
    // The tab model reaches the extension host after the title change: wait for it.
    await waitFor('the tab title to name pix2pix', () => panelTabs()[0]?.tab.label === 'GAN Studio — pix2pix-unet256.gan.json');
    assert.equal(panelTabs().length, 1, 'still one panel');
    assert.equal(api.panel.currentDocumentUri?.toString(), uri.toString(), 'and it stays on pix2pix');
  });

  it('follows the active .gan.json editor', async () => {
    const api = await extensionApi();
    const uri = workspaceFile('cgan-mnist.gan.json');
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    await waitFor('the panel to follow cgan-mnist', () => api.panel.currentDocumentUri?.toString() === uri.toString());
  });

  it('closing the tab closes the panel', async () => {
    const api = await extensionApi();
    const [{ tab }] = panelTabs();
    await vscode.window.tabGroups.close(tab);
    await waitFor('the panel to report closed', () => !api.panel.isOpen);
  });
});
