// The run history: every run, comparison and capacity document recorded with its identity and
// summary figures. All SQL of the history is here, on the Db seam (SQLite or PostgreSQL).
import { randomBytes } from 'node:crypto';
import type { Db, Param } from './db.ts';
import { checkReadable, migrate } from './migrations.ts';

export type EntryKind = 'run' | 'compare' | 'capacity';

/** Who ran what against what, where. */
export interface RunIdentity {
  scenarioName: string;
  scenarioFile: string;
  /** sha256 of the scenario file; null when the document does not say */
  scenarioHash: string | null;
  /** the target as a key: its URL, or `shop:<config>` for a shop the run started itself */
  target: string | null;
  targetConfig: Record<string, string> | null;
  /** the command line that produced the document, when recorded as it ran */
  command: string | null;
  gitCommit: string | null;
  gitBranch: string | null;
  machine: string;
}

/** One summary figure: a statistic of a metric over one tag set ('' = the whole metric). */
export interface Figure {
  metric: string;
  /** canonical JSON of the tag set (sorted keys), '' for the whole metric */
  tags: string;
  stat: string;
  value: number;
}

export interface HistoryEntry {
  kind: EntryKind;
  startedAt: string;
  /** absolute path of the document (result.json, comparison.json, capacity.json) */
  resultPath: string;
  /** run: passed | failed | partial; compare: done | partial; capacity: the answer's status */
  verdict: string;
  durationMs: number | null;
  identity: RunIdentity;
  figures: Figure[];
}

export interface HistoryRun extends Omit<HistoryEntry, 'figures'> {
  id: string;
  recordedAt: string;
}

export interface Headline {
  p50: number | null;
  p99: number | null;
  rate: number | null;
  errors: number | null;
}

export interface ListFilter {
  scenario?: string;
  /** ISO time: runs started at or after */
  since?: string;
  kind?: EntryKind;
  target?: string;
  verdict?: string;
  limit?: number;
}

/** The headline figures of a run: http_req_latency p50/p99, request rate, failed share. */
export const HEADLINE = [
  ['p50', 'http_req_latency', 'p(50)'],
  ['p99', 'http_req_latency', 'p(99)'],
  ['rate', 'http_reqs', 'rate'],
  ['errors', 'http_req_failed', 'rate'],
] as const;

interface RunRow {
  [k: string]: unknown;
  id: string;
  kind: string;
  recorded_at: string;
  started_at: string;
  scenario_name: string;
  scenario_file: string;
  scenario_hash: string | null;
  target: string | null;
  target_config: string | null;
  command: string | null;
  git_commit: string | null;
  git_branch: string | null;
  machine: string;
  result_path: string;
  verdict: string;
  duration_ms: number | string | null;
}

function fromRow(r: RunRow): HistoryRun {
  return {
    id: r.id,
    kind: r.kind as EntryKind,
    recordedAt: r.recorded_at,
    startedAt: r.started_at,
    resultPath: r.result_path,
    verdict: r.verdict,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    identity: {
      scenarioName: r.scenario_name,
      scenarioFile: r.scenario_file,
      scenarioHash: r.scenario_hash,
      target: r.target,
      targetConfig: r.target_config === null ? null : (JSON.parse(r.target_config) as Record<string, string>),
      command: r.command,
      gitCommit: r.git_commit,
      gitBranch: r.git_branch,
      machine: r.machine,
    },
  };
}

/** A readable, sortable id: the start time and 4 random hex digits (20261204-015501-a3f9). */
export function newRunId(startedAt: string): string {
  const d = new Date(startedAt);
  const stamp = (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export class HistoryStore {
  readonly db: Db;

  private constructor(db: Db) {
    this.db = db;
  }

  /** Checks the database is ours (or empty) and migrates it; refuses a foreign or damaged one. */
  static async open(db: Db): Promise<HistoryStore> {
    try {
      await migrate(db);
    } catch (e) {
      await db.close().catch(() => {});
      throw e;
    }
    return new HistoryStore(db);
  }

  /** For reading only (the dashboard): checks the database is ours; never migrates or writes. */
  static async openForReading(db: Db): Promise<HistoryStore> {
    try {
      await checkReadable(db);
    } catch (e) {
      await db.close().catch(() => {});
      throw e;
    }
    return new HistoryStore(db);
  }

  get where(): string {
    return this.db.where;
  }

  /**
   * Records an entry in one transaction. The same document recorded again (same path, same
   * start) is not duplicated; a path whose document was replaced by a newer run (an --out folder
   * reused) now stands for the newer run.
   */
  async record(entry: HistoryEntry): Promise<{ id: string; status: 'recorded' | 'already-recorded' | 'replaced' }> {
    return this.db.transaction(async () => {
      const prior = await this.db.all<{ id: string; started_at: string }>('SELECT id, started_at FROM stampede_runs WHERE result_path = ?', [entry.resultPath]);
      const old = prior[0];
      if (old && old.started_at === entry.startedAt) return { id: old.id, status: 'already-recorded' as const };
      if (old) await this.deleteRun(old.id);
      const id = newRunId(entry.startedAt);
      const i = entry.identity;
      await this.db.run(
        `INSERT INTO stampede_runs (id, kind, recorded_at, started_at, scenario_name, scenario_file, scenario_hash, target, target_config, command, git_commit, git_branch, machine, result_path, verdict, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, entry.kind, new Date().toISOString(), entry.startedAt, i.scenarioName, i.scenarioFile, i.scenarioHash, i.target, i.targetConfig ? JSON.stringify(i.targetConfig) : null, i.command, i.gitCommit, i.gitBranch, i.machine, entry.resultPath, entry.verdict, entry.durationMs],
      );
      const seen = new Set<string>();
      for (const f of entry.figures) {
        const key = `${f.metric}\x1f${f.tags}\x1f${f.stat}`;
        if (seen.has(key) || !Number.isFinite(f.value)) continue;
        seen.add(key);
        await this.db.run('INSERT INTO stampede_run_metrics (run_id, metric, tags, stat, value) VALUES (?, ?, ?, ?, ?)', [id, f.metric, f.tags, f.stat, f.value]);
      }
      return { id, status: old ? ('replaced' as const) : ('recorded' as const) };
    });
  }

  private async deleteRun(id: string): Promise<void> {
    await this.db.run('DELETE FROM stampede_baselines WHERE run_id = ?', [id]);
    await this.db.run('DELETE FROM stampede_run_metrics WHERE run_id = ?', [id]);
    await this.db.run('DELETE FROM stampede_runs WHERE id = ?', [id]);
  }

  /** Runs newest first. */
  async list(filter: ListFilter = {}): Promise<HistoryRun[]> {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.scenario !== undefined) {
      where.push('(scenario_name = ? OR scenario_file = ?)');
      params.push(filter.scenario, filter.scenario);
    }
    if (filter.since !== undefined) {
      where.push('started_at >= ?');
      params.push(filter.since);
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.target !== undefined) {
      where.push('target = ?');
      params.push(filter.target);
    }
    if (filter.verdict !== undefined) {
      where.push('verdict = ?');
      params.push(filter.verdict);
    }
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(1, Math.floor(filter.limit))}`;
    const rows = await this.db.all<RunRow>(`SELECT * FROM stampede_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC${limit}`, params);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<HistoryRun | null> {
    const rows = await this.db.all<RunRow>('SELECT * FROM stampede_runs WHERE id = ?', [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async byPath(resultPath: string): Promise<HistoryRun | null> {
    const rows = await this.db.all<RunRow>('SELECT * FROM stampede_runs WHERE result_path = ?', [resultPath]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async figures(id: string): Promise<Figure[]> {
    const rows = await this.db.all<{ metric: string; tags: string; stat: string; value: number | string }>('SELECT metric, tags, stat, value FROM stampede_run_metrics WHERE run_id = ? ORDER BY metric, tags, stat', [id]);
    return rows.map((r) => ({ ...r, value: Number(r.value) }));
  }

  /** The headline figures of many runs in one query. */
  async headlines(ids: readonly string[]): Promise<Map<string, Headline>> {
    const out = new Map<string, Headline>();
    for (const id of ids) out.set(id, { p50: null, p99: null, rate: null, errors: null });
    if (ids.length === 0) return out;
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const rows = await this.db.all<{ run_id: string; metric: string; stat: string; value: number | string }>(
        `SELECT run_id, metric, stat, value FROM stampede_run_metrics WHERE tags = '' AND run_id IN (${chunk.map(() => '?').join(', ')}) AND metric IN ('http_req_latency', 'http_reqs', 'http_req_failed')`,
        chunk,
      );
      for (const r of rows) {
        const h = out.get(r.run_id);
        const field = HEADLINE.find(([, metric, stat]) => metric === r.metric && stat === r.stat)?.[0];
        if (h && field) h[field] = Number(r.value);
      }
    }
    return out;
  }

  /** One figure over a scenario's runs, oldest first (for change points and the history page). */
  async series(scenario: string, metric: string, stat: string, opts: { tags?: string; target?: string } = {}): Promise<Array<{ run: HistoryRun; value: number }>> {
    const params: Param[] = [metric, opts.tags ?? '', stat, scenario, scenario];
    let extra = '';
    if (opts.target !== undefined) {
      extra = ' AND r.target = ?';
      params.push(opts.target);
    }
    const rows = await this.db.all<RunRow & { value: number | string }>(
      `SELECT r.*, m.value FROM stampede_runs r JOIN stampede_run_metrics m ON m.run_id = r.id AND m.metric = ? AND m.tags = ? AND m.stat = ?
       WHERE r.kind = 'run' AND (r.scenario_name = ? OR r.scenario_file = ?)${extra} ORDER BY r.started_at ASC, r.id ASC`,
      params,
    );
    return rows.map((r) => ({ run: fromRow(r), value: Number(r.value) }));
  }

  async setBaseline(run: HistoryRun): Promise<void> {
    const target = run.identity.target ?? '';
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM stampede_baselines WHERE scenario_name = ? AND target = ?', [run.identity.scenarioName, target]);
      await this.db.run('INSERT INTO stampede_baselines (scenario_name, target, run_id, set_at) VALUES (?, ?, ?, ?)', [run.identity.scenarioName, target, run.id, new Date().toISOString()]);
    });
  }

  async baseline(scenarioName: string, target: string | null): Promise<HistoryRun | null> {
    const rows = await this.db.all<{ run_id: string }>('SELECT run_id FROM stampede_baselines WHERE scenario_name = ? AND target = ?', [scenarioName, target ?? '']);
    return rows[0] ? this.get(rows[0].run_id) : null;
  }

  async count(): Promise<number> {
    const rows = await this.db.all<{ n: number | string }>('SELECT count(*) AS n FROM stampede_runs');
    return Number(rows[0]?.n ?? 0);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
