/**
 * The tiny HTTP server the browser tests load the panel from: the harness page (with a
 * fresh CSP nonce and the theme asked for), the real bundle from dist/webview/, and a run
 * folder of fixture files (as `asWebviewUri` would serve them). Only these three roots are
 * served. Node and the file system only: no webview code is imported here.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** The repository root, from out/test/browser/ where this file runs after tsc. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const HARNESS_DIR = join(REPO_ROOT, 'test', 'browser');
export const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'webview');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export type Theme = 'light' | 'dark' | 'high-contrast';

const BODY_CLASS: Record<Theme, string> = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  'high-contrast': 'vscode-high-contrast',
};

export interface HarnessServer {
  origin: string;
  /** The harness page's URL for a theme. */
  pageUrl(theme: Theme): string;
  /** The URL under which a file of the run folder is served. */
  runUrl(relativePath: string): string;
  close(): Promise<void>;
}

function within(root: string, relative: string): string | undefined {
  const file = normalize(join(root, decodeURIComponent(relative)));
  return file.startsWith(root + sep) ? file : undefined;
}

export async function startHarnessServer(runDir: string): Promise<HarnessServer> {
  if (!existsSync(join(BUNDLE_DIR, 'main.js'))) {
    throw new Error(`No bundle at ${BUNDLE_DIR}/main.js: build it first with \`node esbuild.mjs\`.`);
  }
  const template = readFileSync(join(HARNESS_DIR, 'harness.html'), 'utf8');
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let file: string | undefined;
    if (url.pathname === '/harness.html') {
      const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
      const html = template
        .replaceAll('{{NONCE}}', randomBytes(16).toString('base64'))
        .replaceAll('{{SOURCE}}', origin)
        .replaceAll('{{THEME}}', theme)
        .replaceAll('{{BODY_CLASS}}', BODY_CLASS[theme] ?? BODY_CLASS.dark);
      response.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204);
      response.end();
      return;
    }
    if (url.pathname.startsWith('/dist/webview/')) file = within(BUNDLE_DIR, url.pathname.slice('/dist/webview/'.length));
    else if (url.pathname.startsWith('/harness/')) file = within(HARNESS_DIR, url.pathname.slice('/harness/'.length));
    else if (url.pathname.startsWith('/run/')) file = within(runDir, url.pathname.slice('/run/'.length));
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: (theme) => `${origin}/harness.html?theme=${theme}`,
    runUrl: (relativePath) => `${origin}/run/${relativePath.split(sep).join('/')}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
