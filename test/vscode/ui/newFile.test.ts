/** "GAN Studio: New GAN File…" through its quick pick and save dialog, as a person uses it. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { waitFor } from '../lib/waitFor';
import { uiSession, useWorkbench } from './session';

describe('New GAN File… (UI)', () => {
  const workbench = useWorkbench();

  it('writes the chosen template where the save dialog says, and opens it', async () => {
    const session = await uiSession();
    const target = path.join(session.folder, 'my-first.gan.json');
    const page = workbench().page;

    await workbench().runCommand('GAN Studio: New GAN File…');
    const template = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'DCGAN on MNIST (TensorFlow tutorial)' });
    await template.first().click();
    // code-server's save dialog is VS Code's "simple" dialog: a path in a quick input.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await waitFor('the save dialog to offer dcgan-mnist.gan.json', async () => (await input.inputValue()).endsWith('dcgan-mnist.gan.json'));
    await input.fill(target);
    await page.keyboard.press('Enter');

    await workbench().page.locator('.editor-group-container.active .tab.active[aria-label^="my-first"]').waitFor({ timeout: 15_000 });
    assert.ok(!existsSync(`${target}.gan.json`), 'the name typed is kept: not my-first.gan.json.gan.json');
    await workbench().activeTab('my-first.gan.json').waitFor({ timeout: 5_000 });
    await waitFor(`${target} to be written`, () => existsSync(target));
    // Templates may carry comments: parse as JSONC.
    const spec = parse(readFileSync(target, 'utf8'));
    assert.equal(spec.$schema, undefined, 'the relative $schema is dropped');
    assert.equal(spec.name, 'DCGAN on MNIST (TensorFlow tutorial)');
    // Data paths point at the installed extension's copy of the examples.
    assert.equal(spec.data.images, path.join(session.extensionDir, 'examples', 'data/mnist/train-images-idx3-ubyte.gz'));
  });
});
