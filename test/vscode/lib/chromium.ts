/**
 * Debian's chromium driven by playwright-core (the `playwright` package would download
 * browsers, which these machines cannot). Flags from shared/notes/real-vscode-here.md.
 */
import { chromium, Browser, BrowserContext } from 'playwright-core';
import { CHROMIUM, requireTools } from './paths';

export async function launchChromium(): Promise<Browser> {
  requireTools();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.GAN_STUDIO_HEADED !== '1',
    args: [
      '--no-sandbox', // running as root in a container
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage', // small /dev/shm in containers
    ],
  });
}

/**
 * A full-HD window: the editor and the panel side by side, the panel wide enough
 * (~790 px) to draw both networks next to each other, as in README's screenshot.
 * Narrower panels are tested by resizing (ui/architecture.test.ts).
 * GAN_STUDIO_VIEWPORT=WIDTHxHEIGHT overrides it.
 */
export function newWorkbenchContext(browser: Browser, size?: { width: number; height: number }): Promise<BrowserContext> {
  if (size) return browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const [width, height] = (process.env.GAN_STUDIO_VIEWPORT ?? '1920x1080').split('x').map(Number);
  if (!(width > 0 && height > 0)) throw new Error(`GAN_STUDIO_VIEWPORT must look like 1600x900, not ${process.env.GAN_STUDIO_VIEWPORT}`);
  return browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
}
