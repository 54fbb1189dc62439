#!/usr/bin/env node
// The `stampede` executable. Node code is TypeScript run directly: tsx's loader is registered
// here once, so the CLI and the user's scenario files (.ts) load without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
