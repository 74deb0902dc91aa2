/** `gan-studio validate FILE…`: every problem as `file:line:col: severity: message [code]`. */
import { readFileSync } from 'node:fs';
import { analyzeText, Analysis, hasErrors } from '../spec';
import { CliCommand, parseArgs, UsageError } from './command';

export interface FileProblemsJson {
  file: string;
  problems: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[];
}

/** Problems of one analysed file with 1-based lines and columns, as editors and compilers print them. */
export function problemsAsJson(file: string, analysis: Analysis): FileProblemsJson {
  return {
    file,
    problems: analysis.problems.map((p) => {
      const start = analysis.lines.positionAt(p.start);
      const end = analysis.lines.positionAt(p.end);
      return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.code, message: p.message };
    }),
  };
}

export function readSpecFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
}

export const validateCommand: CliCommand = {
  summary: 'check .gan.json files and print every problem',
  usage: `gan-studio validate FILE… [--json]

Checks each file (syntax, schema, shapes, the rules between data, networks and loss)
and prints each problem as  file:line:col: severity: message [code].
Exit code: 0 when no file has an error (warnings are fine), 1 otherwise.

  --json   print {"files":[{"file","problems":[{"line","column","endLine","endColumn",
           "severity","code","message"}]}]} instead`,
  async run(args, io) {
    const parsed = parseArgs(args, { booleans: ['json'] });
    if (parsed.positional.length === 0) throw new UsageError('give at least one .gan.json file');
    const files: FileProblemsJson[] = [];
    let failed = false;
    for (const file of parsed.positional) {
      const analysis = analyzeText(readSpecFile(file));
      failed ||= hasErrors(analysis.problems);
      files.push(problemsAsJson(file, analysis));
    }
    if (parsed.flags.has('json')) {
      io.stdout(JSON.stringify({ files }, null, 2) + '\n');
    } else {
      for (const f of files) {
        for (const p of f.problems) io.stdout(`${f.file}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]\n`);
        const errors = f.problems.filter((p) => p.severity === 'error').length;
        const warnings = f.problems.filter((p) => p.severity === 'warning').length;
        if (errors === 0 && warnings === 0) io.stderr(`${f.file}: ok\n`);
        else io.stderr(`${f.file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
