// A server series is drawn by the metric's declared TYPE in the scrape, not by its name:
// `pool_total` (a gauge of connections) stays a value; a family declared `counter` becomes a
// per-second rate whatever its rule expected; the result says which, with the unit, and the
// report's view draws it so.
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus.ts';
import { deriveServerSeries, type Scrape } from './server-series.ts';
import { serverView } from '../../dashboard/view/server.ts';
import { buildRunFixture } from '../../dashboard/testing/fixture.ts';

const t0 = 5_000_000;
const scrape = (atMs: number, text: string): Scrape => ({ atMs, expo: parsePrometheusText(text), error: null });
const pool = (total: number, served: number) =>
  `# TYPE db_pool_clients gauge\ndb_pool_clients{state="total"} ${total}\ndb_pool_clients{state="idle"} 1\n# TYPE served counter\nserved ${served}\n# TYPE level gauge\nlevel ${served}\n`;

describe('server series by declared type', () => {
  const scrapes = [scrape(t0 + 100, pool(10, 0)), scrape(t0 + 1100, pool(12, 50)), scrape(t0 + 2100, pool(12, 150))];
  const m = deriveServerSeries('http://x/metrics', scrapes, t0, [
    { series: 'pool_total', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'total' } }, unit: 'connections' },
    // the rule expects a gauge; the scrape declares a counter: a rate it is
    { series: 'served_total', kind: 'gauge', of: { name: 'served' }, unit: 'requests' },
    // the rule expects a counter; the scrape declares a gauge: kept as scraped
    { series: 'level_per_s', kind: 'rate', of: { name: 'level' }, unit: 'items/s' },
  ]);

  it('a gauge named *_total is kept as scraped; a declared counter becomes a rate', () => {
    expect(m.series.pool_total).toEqual([[0, 10], [1, 12], [2, 12]]);
    expect(m.series.served_total).toEqual([[1, 50], [2, 100]]);
    expect(m.series.level_per_s).toEqual([[0, 0], [1, 50], [2, 150]]);
    expect(m.kinds).toMatchObject({
      pool_total: { shown: 'value', declared: 'gauge', unit: 'connections' },
      served_total: { shown: 'rate', declared: 'counter', unit: 'requests/s' },
      level_per_s: { shown: 'value', declared: 'gauge', unit: 'items' },
    });
  });

  it('the view draws each as the result says, with its unit — never a rate of pool_total', () => {
    const result = { ...buildRunFixture(), server: m };
    const charts = Object.fromEntries(serverView(result)!.charts.map((c) => [c.name, c]));
    expect(charts.pool_total!.points.map((p) => p.v)).toEqual([10, 12, 12]);
    expect(charts.pool_total!.unit).toBe('connections');
    expect(charts.pool_total!.note).toMatch(/as scraped/);
    expect(charts.served_total!.points.map((p) => p.v)).toEqual([50, 100]);
    expect(charts.served_total!.unit).toBe('requests/s');
  });

  it('an older result without kinds: a series Stampede derived is drawn as stored, with its unit', () => {
    const result = { ...buildRunFixture(), server: { url: 'http://x/metrics', series: { pool_total: [[0, 10], [1, 12]] as Array<[number, number]>, memory_rss_mb: [[0, 61]] as Array<[number, number]> } } };
    const charts = Object.fromEntries(serverView(result)!.charts.map((c) => [c.name, c]));
    expect(charts.pool_total!.points.map((p) => p.v)).toEqual([10, 12]);
    expect(charts.pool_total!.unit).toBe('connections');
    expect(charts.memory_rss_mb!.unit).toBe('MB');
  });
});
