/**
 * Starts and stops code-server 4.100.3 (VS Code 1.100 in the browser) for one test run,
 * as measured in shared/notes/real-vscode-here.md: bound to 127.0.0.1 on a free port,
 * no auth, and every folder it writes (user data, extensions, XDG dirs, TMPDIR) inside
 * the run's folder.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, requireTools } from './paths';

export interface CodeServerOptions {
  /** The run's folder (see runDir.ts); code-server's state goes below it. */
  runDir: string;
  /** Extensions folder; default `<runDir>/extensions` (empty). */
  extensionsDir?: string;
  /** Merged over the default user settings. */
  settings?: Record<string, unknown>;
  /** Fixed port (npm start lets a person choose one); default: a free one. */
  port?: number;
  /**
   * Keep VS Code's workspace trust on (default off: `--disable-workspace-trust`). With it
   * on and the default settings below overridden, a folder opens in restricted mode.
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly logFile: string;
  /** The workbench URL that opens `folder`, with an optional `payload` (see inHost.ts). */
  folderUrl(folder: string, payload?: [string, string][]): string;
  /** A `vscode-remote://` URI of a path on this machine, as the web workbench wants it. */
  remoteUri(absolutePath: string): string;
  /** Resolves when code-server and everything it started (extension hosts) are gone. */
  stop(): Promise<void>;
  /** Resolves if code-server exits by itself (npm start waits on it). */
  readonly exited: Promise<number | null>;
}

/** Keeps the workbench free of first-run UI that would cover the editor. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'update.mode': 'none',
  // The test workspaces live inside the repository's git checkout: without this a
  // notification asks whether to open that repository, covering part of the panel.
  'git.openRepositoryInParentFolders': 'never',
};

/** Process groups still running; killed if this process dies without stopping them. */
const live = new Set<number>();
process.on('exit', () => {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
});

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  requireTools();
  const dirs = stateDirs(options.runDir);
  const removeTmp = () => rmSync(dirs.tmp, { recursive: true, force: true });
  const extensionsDir = options.extensionsDir ?? path.join(options.runDir, 'extensions');
  for (const dir of [...Object.values(dirs), extensionsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dirs.user, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));

  const port = options.port ?? (await freePort());
  const configFile = path.join(options.runDir, 'code-server.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(options.runDir, 'code-server.log');

  const args = [
    CODE_SERVER_ENTRY,
    '--config', configFile,
    '--user-data-dir', dirs.user,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
  ];
  const log = openSync(logFile, 'a');
  // detached = setsid: code-server leads a process group of its own, so that stopping it
  // with kill(-pgid) also ends the extension host, which outlives the browser otherwise.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: serverEnv(dirs) });
  closeSync(log);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start (no pid)');
  live.add(pgid);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(origin, child, logFile);
  } catch (error) {
    await stopGroup(pgid, child);
    removeTmp();
    throw error;
  }

  return {
    port,
    origin,
    extensionsDir,
    userDataDir: dirs.user,
    logFile,
    exited,
    remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    folderUrl(folder, payload) {
      // Slashes stay readable (VS Code writes folder URLs the same way).
      let url = `${origin}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    stop: async () => {
      await stopGroup(pgid, child);
      removeTmp();
    },
  };
}

/** `code-server --install-extension` into `extensionsDir` (how a user installs a .vsix). */
export function installExtension(vsix: string, extensionsDir: string, runDir: string): void {
  requireTools();
  const dirs = stateDirs(runDir);
  for (const dir of [...Object.values(dirs), extensionsDir]) mkdirSync(dir, { recursive: true });
  const result = spawnSync(process.execPath, [CODE_SERVER_ENTRY, '--user-data-dir', dirs.user, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: serverEnv(dirs),
    encoding: 'utf8',
    timeout: 120_000,
  });
  rmSync(dirs.tmp, { recursive: true, force: true });
  if (result.status !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

function stateDirs(runDir: string) {
  return {
    user: path.join(runDir, 'user-data'),
    userSettings: path.join(runDir, 'user-data', 'User'),
    config: path.join(runDir, 'xdg', 'config'),
    data: path.join(runDir, 'xdg', 'data'),
    cache: path.join(runDir, 'xdg', 'cache'),
    tmp: shortTmpDir(),
  };
}

/**
 * TMPDIR holds the IPC sockets (`vscode-ipc-<uuid>.sock`), whose full path must stay under
 * the 107 characters a Unix socket allows, so it cannot live in the (long) run folder: a
 * fresh folder in /tmp per server, removed when the server stops.
 */
function shortTmpDir(): string {
  const base = existsSync('/tmp') ? '/tmp' : os.tmpdir();
  return mkdtempSync(path.join(base, 'gan-vscode-'));
}

function serverEnv(dirs: ReturnType<typeof stateDirs>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Inside a VS Code terminal, VSCODE_IPC_HOOK_CLI & co. make code-server hand its
    // command line to that VS Code instead of running; ELECTRON_RUN_AS_NODE and the
    // like would leak into the extension host.
    if (key.startsWith('VSCODE_') || key.startsWith('ELECTRON_')) continue;
    env[key] = value;
  }
  // Otherwise code-server writes config into ~/.config and sockets into /tmp.
  env.XDG_CONFIG_HOME = dirs.config;
  env.XDG_DATA_HOME = dirs.data;
  env.XDG_CACHE_HOME = dirs.cache;
  env.TMPDIR = dirs.tmp;
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilHealthy(origin: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} while starting; see ${logFile}`);
    if (await healthy(origin)) return;
    await sleep(100);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within 30 s; see ${logFile}`);
}

function healthy(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${origin}/healthz`, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

async function stopGroup(pgid: number, child: ChildProcess): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid)) await sleep(50);
  if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
  live.delete(pgid);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
