/**
 * "Select Backend…" and "Install Native Backend…".
 *
 * The native TensorFlow backends cannot ship inside the extension (their install
 * downloads libtensorflow for the user's platform), so the second command installs one
 * with npm into the extension's global storage, where the trainer looks for it.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendSetting, Config } from '../config';

/** Where "Install Native Backend…" puts packages; the trainer searches its node_modules. */
export function nativeBackendFolder(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'native-backend');
}

const TFJS_VERSION = '4.22.0';

const NATIVE_PACKAGES = [
  {
    label: '@tensorflow/tfjs-node-gpu',
    description: 'NVIDIA GPU (CUDA)',
    detail: `Needs an NVIDIA driver with CUDA 11.2 and cuDNN 8.1 on the library path; tfjs-node-gpu ${TFJS_VERSION} does not load with other CUDA versions.`,
    setting: 'tfjs-node-gpu' as BackendSetting,
  },
  {
    label: '@tensorflow/tfjs-node',
    description: 'native CPU (libtensorflow)',
    detail: 'Uses all CPU cores through TensorFlow\'s C library; much faster than WebAssembly for large models.',
    setting: 'tfjs-node' as BackendSetting,
  },
];

export function registerBackendCommands(context: vscode.ExtensionContext, config: Config, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('ganStudio.selectBackend', async () => {
      const items: (vscode.QuickPickItem & { value: BackendSetting })[] = [
        { label: 'Automatic', description: 'best available', detail: 'tfjs-node-gpu → tfjs-node → WebAssembly → CPU', value: 'auto' },
        { label: 'TensorFlow GPU', description: '@tensorflow/tfjs-node-gpu', value: 'tfjs-node-gpu' },
        { label: 'TensorFlow CPU', description: '@tensorflow/tfjs-node', value: 'tfjs-node' },
        { label: 'WebAssembly', description: 'bundled, with GAN Studio\'s training kernels', value: 'wasm' },
        { label: 'CPU (JavaScript)', description: 'bundled; slow, for checks only', value: 'cpu' },
      ];
      const current = config.backend;
      for (const item of items) if (item.value === current) item.label = `$(check) ${item.label}`;
      const picked = await vscode.window.showQuickPick(items, { title: 'Training backend', placeHolder: `Now: ${current}` });
      if (picked) await config.setBackend(picked.value);
    }),

    vscode.commands.registerCommand('ganStudio.installNativeBackend', async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Installing a backend runs npm: trust this workspace first.');
        return;
      }
      const picked = await vscode.window.showQuickPick(NATIVE_PACKAGES, { title: 'Install a native TensorFlow backend' });
      if (!picked) return;
      const folder = nativeBackendFolder(context);
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(folder));
      output.show(true);
      const ok = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Installing ${picked.label}`, cancellable: true },
        (progress, token) => npmInstall(`${picked.label}@${TFJS_VERSION}`, folder, output, progress, token),
      );
      if (!ok) return;
      const loaded = await probeNativeBackend(picked.label, folder, config);
      if (loaded.ok) {
        await config.setBackend(picked.setting);
        void vscode.window.showInformationMessage(`${picked.label} is installed and loads; training will use it.`);
      } else {
        const hint = picked.setting === 'tfjs-node-gpu' ? ' tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0, libcudnn.so.8) on the library path.' : '';
        output.error(loaded.message);
        void vscode.window.showErrorMessage(`${picked.label} was installed but does not load: ${firstLine(loaded.message)}.${hint}`, 'Show Log').then((a) => a && output.show());
      }
    }),
  );
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? text;
}

function npmInstall(spec: string, folder: string, output: vscode.LogOutputChannel, progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken): Promise<boolean> {
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    output.info(`npm install ${spec} --prefix ${folder}`);
    const child = spawn(npm, ['install', spec, '--prefix', folder, '--no-audit', '--no-fund'], { cwd: folder, shell: process.platform === 'win32' });
    token.onCancellationRequested(() => child.kill());
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter((l) => l.trim())) {
        output.info(line);
        progress.report({ message: line.slice(0, 80) });
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (error) => {
      output.error(`npm could not start: ${error.message}`);
      void vscode.window.showErrorMessage('Installing needs npm (Node.js) on the PATH. Install Node.js 20 or later and try again.');
      resolve(false);
    });
    child.on('close', (code) => {
      if (token.isCancellationRequested) {
        output.warn('Installation cancelled.');
        resolve(false);
      } else if (code !== 0) {
        void vscode.window.showErrorMessage(`npm install ${spec} failed (exit ${code}). The native backends download libtensorflow during install; check the network and the log.`, 'Show Log').then((a) => a && output.show());
        resolve(false);
      } else {
        resolve(true);
      }
    });
  });
}

/** Loads the package in a separate Node process (never in the extension host). */
function probeNativeBackend(name: string, folder: string, config: Config): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const node = config.nodePath || process.execPath;
    const env = { ...process.env, ...(config.nodePath ? {} : { ELECTRON_RUN_AS_NODE: '1' }) };
    const script = `require(require.resolve(${JSON.stringify(name)}, { paths: [${JSON.stringify(path.join(folder, 'node_modules'))}] })); console.log('ok')`;
    const child = spawn(node, ['-e', script], { env });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c));
    child.stderr.on('data', (c: Buffer) => (text += c));
    child.on('error', (error) => resolve({ ok: false, message: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0 && text.includes('ok'), message: text.trim() }));
  });
}
