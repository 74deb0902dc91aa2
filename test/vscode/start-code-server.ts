/**
 * Serves VS Code (code-server) on 127.0.0.1 with the freshly packaged GAN Studio
 * installed and examples/ opened, prints the URL, and runs until Ctrl-C. Run through
 * test/vscode/start.sh (`npm start`), which builds and packages first.
 *
 *   node out/test/vscode/start-code-server.js [--port 8080] [--folder examples]
 *
 * Unlike the tests, its state (settings, open editors) is kept between starts, in
 * .cache/code-server/profile/, and it opens the real examples/ folder: edits are kept.
 */
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { installExtension, startCodeServer } from './lib/codeServer';
import { CODE_SERVER_DIR, CODE_SERVER_VERSION, PACKAGED_VSIX, REPO_ROOT, requireFile, requireTools } from './lib/paths';

interface Options {
  port?: number;
  folder: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { folder: path.join(REPO_ROOT, 'examples') };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--port' && value) {
      options.port = Number(value);
      if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) throw new Error(`--port must be a port number, not ${value}`);
      i++;
    } else if (argv[i] === '--folder' && value) {
      options.folder = path.resolve(value);
      i++;
    } else {
      throw new Error(`unknown argument ${argv[i]}; usage: start-code-server [--port 8080] [--folder path]`);
    }
  }
  if (!existsSync(options.folder)) throw new Error(`no folder ${options.folder}`);
  return options;
}

/** 8080 (code-server's usual port) when it is free, so the URL stays the same between starts. */
async function defaultPort(): Promise<number | undefined> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(8080, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? 8080 : undefined;
}

async function main(): Promise<void> {
  requireTools();
  requireFile(PACKAGED_VSIX, 'npm run package');
  const options = parseArgs(process.argv.slice(2));
  const profile = path.join(CODE_SERVER_DIR, 'profile');
  const extensionsDir = path.join(profile, 'extensions');
  installExtension(PACKAGED_VSIX, extensionsDir, profile);
  const server = await startCodeServer({ runDir: profile, extensionsDir, port: options.port ?? (await defaultPort()) });

  const url = server.folderUrl(options.folder);
  console.log(`
GAN Studio is running in VS Code (code-server ${CODE_SERVER_VERSION}).

  Open ${url}

  Open a .gan.json, then "GAN Studio: Show Architecture" (F1) or the CodeLens above the file.
  On a remote machine: ssh -L ${server.port}:127.0.0.1:${server.port} <host>, then open the URL here.
  Log: ${path.relative(REPO_ROOT, server.logFile)}. Ctrl-C stops it.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const code = await server.exited;
  if (!stopping) {
    console.error(`code-server exited by itself (code ${code}); see ${server.logFile}`);
    process.exit(code ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
