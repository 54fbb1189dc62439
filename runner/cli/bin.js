#!/usr/bin/env node
// The `stampede` executable. The CLI is TypeScript, loaded from a bundle esbuild keeps up to
// date (launch.js), or through tsx when no bundle can be built.
import { loadCli } from './launch.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
