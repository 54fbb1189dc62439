// The part of a document's `meta` block that every kind shares (run, capacity, comparison):
// which tool made it, on what machine, from which scenario. Each document adds its own fields.
import os from 'node:os';
import { TOOL_VERSION } from '../version.ts';

export interface DocumentMeta {
  tool: { name: 'stampede'; version: string };
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  scenarioFile: string;
  scenarioName: string;
}

/** `cpus` defaults to this machine's count (a run records the count it measured with). */
export function documentMeta(scenario: { file: string; name: string }, cpus: number = os.cpus().length): DocumentMeta {
  return {
    tool: { name: 'stampede', version: TOOL_VERSION },
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    scenarioFile: scenario.file,
    scenarioName: scenario.name,
  };
}
