#!/usr/bin/env node
// The `stampede` executable. The CLI is TypeScript, loaded from a bundle esbuild keeps up to
// date (launch.js), or through tsx when no bundle can be built.
import { loadCli } from './launch.js';

const { main } = await loadCli();
const code = await main(process.argv.slice(2));
process.exitCode = code;
// the command is over when main() returns: what user code left behind (a journey's timer or
// socket that never settles) must not keep the process alive after its result is written
setTimeout(() => process.exit(code), 500).unref();
