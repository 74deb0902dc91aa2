/**
 * `gan-studio`: the spec core and the engine without an editor — for servers, CI and
 * bigger machines. Each sub-command lives in src/cli/ and is listed in COMMANDS.
 */
import { CliCommand, CliIO, UsageError } from './cli/command';
import { inspectCommand } from './cli/inspect';
import { sampleCommand } from './cli/sample';
import { trainCommand } from './cli/train';
import { validateCommand } from './cli/validate';
import { walkCommand } from './cli/walk';

export const COMMANDS: Record<string, CliCommand> = {
  validate: validateCommand,
  inspect: inspectCommand,
  train: trainCommand,
  sample: sampleCommand,
  walk: walkCommand,
};

function help(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'GAN Studio — design, check and train GANs written as .gan.json files.',
    '',
    'usage: gan-studio COMMAND [options]',
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'gan-studio help COMMAND  shows a command\'s options.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') {
    const command = args[0] ? COMMANDS[args[0]] : undefined;
    io.stdout((command ? command.usage : help()) + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`gan-studio: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`gan-studio ${name}: ${error.message}\n\nusage: ${command.usage.split('\n')[0]}\n`);
      return 2;
    }
    io.stderr(`gan-studio ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`gan-studio: ${(error as Error).stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
