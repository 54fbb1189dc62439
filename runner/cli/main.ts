// Entry of the `stampede` CLI: picks the command, turns errors into messages and exit codes.
// Each command lives in its own module and is loaded only when asked for.
import { EXIT, StampedeError, formatError, isStampedeError } from '../errors.ts';
import { COMMANDS, type CommandName } from './commands.ts';
import { installZodMessages } from './zod-messages.ts';

const HELP = `stampede — load testing and capacity planning for web back ends

usage: stampede <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`stampede <command> --help\` for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  installZodMessages();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP + '\n');
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`stampede ${process.env.npm_package_version ?? '0.1.0'}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    process.stderr.write(`error STAMPEDE_E_USAGE: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; \`stampede --help\` says what each does)\n`);
    return EXIT.badInput;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (e) {
    return reportFailure(e);
  }
}

/** Known errors print their message; anything else is a bug and keeps its stack. */
export function reportFailure(e: unknown): number {
  if (isStampedeError(e)) {
    process.stderr.write(formatError(e) + '\n');
    return e.exitCode;
  }
  process.stderr.write(`error STAMPEDE_E_INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.internal;
}

export { StampedeError };
