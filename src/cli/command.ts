/** What every `gan-studio` sub-command looks like, so that `cli.ts` can list and run them. */

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is an interactive terminal (progress bars, colours). */
  isTTY: boolean;
  cwd: string;
}

export interface CliCommand {
  /** One line for `gan-studio --help`. */
  summary: string;
  /** Full usage text for `gan-studio help COMMAND`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad command-line usage; printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/**
 * Minimal flag parsing: `--name value`, `--name=value`, and boolean `--name`.
 * `booleans` lists the flags that never take a value.
 */
export function parseArgs(args: string[], known: { values?: string[]; booleans?: string[] }): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const values = new Set(known.values ?? []);
  const booleans = new Set(known.booleans ?? []);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (booleans.has(name)) {
      flags.set(name, true);
    } else if (values.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags };
}

export function numberFlag(parsed: ParsedArgs, name: string, options: { integer?: boolean; min?: number } = {}): number | undefined {
  const raw = parsed.flags.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || !Number.isFinite(value) || (options.integer && !Number.isInteger(value)) || (options.min !== undefined && value < options.min)) {
    throw new UsageError(`--${name} must be ${options.integer ? 'a whole number' : 'a number'}${options.min !== undefined ? ` ≥ ${options.min}` : ''}, not "${raw}"`);
  }
  return value;
}
