/**
 * The trainer processes the extension starts (`<node> <extension>/dist/trainer.js --job
 * '<json>'`), found from the test process through /proc (Linux), the way a person would
 * with `pgrep -f dist/trainer.js`, but with the job parsed so a test can tell its run apart.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TrainerProcess {
  pid: number;
  /** The script it runs (…/dist/trainer.js). */
  script: string;
  /** The job from its command line (`kind`, `specFile`, `resume`, …). */
  job: { kind?: string; specFile?: string; resume?: string; runsDir?: string; [key: string]: unknown };
}

/** Every live trainer process whose script is `scriptPath` (any dist/trainer.js when omitted). */
export function trainerProcesses(scriptPath?: string): TrainerProcess[] {
  const found: TrainerProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // A zombie (exited, not yet reaped) has an empty command line.
      if (/^Z/m.test(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1] ?? '')) continue;
    } catch {
      continue; // gone meanwhile
    }
    const scriptIndex = argv.findIndex((a) => (scriptPath ? a === scriptPath : a.endsWith('/dist/trainer.js')));
    if (scriptIndex < 0) continue;
    const jobIndex = argv.indexOf('--job');
    let job: TrainerProcess['job'] = {};
    try {
      if (jobIndex > 0) job = JSON.parse(argv[jobIndex + 1]) as TrainerProcess['job'];
    } catch {
      // not ours to judge
    }
    found.push({ pid: Number(entry), script: argv[scriptIndex], job });
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed child stays a zombie until its parent reaps it: that is not alive.
  try {
    return !/^Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '');
  } catch {
    return false;
  }
}
