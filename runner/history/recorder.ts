// The hook the commands call where they write their documents. An existing store is opened
// before any load is sent (a damaged or foreign store is an exit-2 error up front, not after a
// long run); one that does not exist yet is created by the first record, so a command refused for
// its input leaves nothing behind. Recording after the run never loses the run: a failure is a
// warning, the document is already on disk.
import { existsSync } from 'node:fs';
import type { RunResult } from '../result/schema.ts';
import type { Comparison } from '../result/comparison-schema.ts';
import type { CapacityDocument } from '../result/capacity-schema.ts';
import { capacityEntry, comparisonEntry, runEntry, type RecordContext } from './entries.ts';
import { gitIdentity } from './identity.ts';
import { historyLocation, openHistory, openHistoryForReading } from './open.ts';
import type { HistoryEntry, HistoryStore } from './store.ts';

export interface HistoryRecorder {
  /** the store, opened (and created, if it did not exist) on first use */
  store(): Promise<HistoryStore>;
  /** the store for reading (a baseline): one not created yet reads as empty and stays uncreated */
  reading(): Promise<HistoryStore>;
  recordRun(result: RunResult, file: string): Promise<string | null>;
  recordComparison(doc: Comparison, file: string): Promise<string | null>;
  recordCapacity(doc: CapacityDocument, file: string): Promise<string | null>;
  close(): Promise<void>;
}

export interface RecorderOptions {
  /** STAMPEDE_HISTORY_URL's value (undefined: reports/history.sqlite under cwd) */
  setting: string | undefined;
  cwd: string;
  command: string | null;
  warn: (message: string) => void;
}

export async function openRecorder(opts: RecorderOptions): Promise<HistoryRecorder> {
  const location = historyLocation(opts.setting, opts.cwd);
  let store: HistoryStore | null = location.kind === 'sqlite' && !existsSync(location.file) ? null : await openHistory(location);
  const storeNow = async (): Promise<HistoryStore> => (store ??= await openHistory(location));
  let emptyReader: HistoryStore | null = null;
  const reading = async (): Promise<HistoryStore> => store ?? (emptyReader ??= await openHistoryForReading(location));
  const where = location.kind === 'sqlite' ? location.file : 'PostgreSQL';
  const ctx: RecordContext = { git: gitIdentity(opts.cwd), command: opts.command };
  const record = async (entry: () => HistoryEntry): Promise<string | null> => {
    try {
      return (await (await storeNow()).record(entry())).id;
    } catch (e) {
      opts.warn(`run history (${store?.where ?? where}): not recorded: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  return {
    store: storeNow,
    reading,
    recordRun: (result, file) => record(() => runEntry(result, file, ctx)),
    recordComparison: (doc, file) => record(() => comparisonEntry(doc, file, ctx)),
    recordCapacity: (doc, file) => record(() => capacityEntry(doc, file, ctx)),
    close: async () => {
      await emptyReader?.close();
      await store?.close();
    },
  };
}
