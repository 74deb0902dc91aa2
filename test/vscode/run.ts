/**
 * The real-VS-Code tests, after setup and build (test/vscode/run.sh does those):
 *   node out/test/vscode/run.js            the in-host suite, then the UI tests
 *   node out/test/vscode/run.js in-host    only the in-host suite
 *   node out/test/vscode/run.js ui         only the UI tests
 * Exits non-zero if any part fails.
 */
import { runInHost } from './inHostMain';
import { runUi } from './uiMain';

async function main(): Promise<number> {
  const parts = process.argv.slice(2);
  const want = (part: string) => parts.length === 0 || parts.includes(part);
  let ok = true;
  if (want('in-host')) ok = (await runInHost()) && ok;
  if (want('ui')) ok = (await runUi()) && ok;
  console.log(ok ? '\n✓ real-VS-Code tests passed' : '\n✗ real-VS-Code tests FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(1);
  },
);
