// `k6/metrics`: Counter, Rate and Trend recorded by the native recorder (HDR histograms for
// trends, like the built-in metrics) under the VU's tags, so thresholds and tag filters on them
// work as on built-in metrics; a Gauge keeps its last value, min and max.
import { declaredMetrics, untimedTrends, type ScriptContext } from '../runtime.ts';

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

type Kind = 'counter' | 'rate' | 'trend' | 'gauge';

abstract class Metric {
  readonly name: string;
  readonly isTime: boolean;
  protected abstract readonly kind: Kind;
  readonly #ctx: ScriptContext;

  constructor(ctx: ScriptContext, name: string, isTime = false) {
    this.#ctx = ctx;
    if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`new ${this.constructor.name}(${JSON.stringify(name)}): a metric name is 1–128 letters, digits or _ and does not start with a digit`);
    this.name = name;
    this.isTime = Boolean(isTime);
    declaredMetrics.add(name);
  }

  add(value: number | boolean, tags?: Record<string, unknown>): boolean {
    const c = this.#ctx;
    if (c.vu === null || c.phase === 'init') throw new Error(`${this.name}.add(): metrics can only be added to in VU code (not in the init context)`);
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (Number.isNaN(v)) throw new Error(`${this.name}.add(): expected a number, got ${JSON.stringify(value)}`);
    const t = tags ? Object.fromEntries(Object.entries(tags).map(([k, x]) => [k, String(x)])) : undefined;
    c.vu.metric?.(this.kind, this.name, v, t);
    return true;
  }
}

class CounterMetric extends Metric {
  protected readonly kind = 'counter';
}

class RateMetric extends Metric {
  protected readonly kind = 'rate';
}

class TrendMetric extends Metric {
  protected readonly kind = 'trend';

  constructor(ctx: ScriptContext, name: string, isTime?: boolean) {
    super(ctx, name, isTime);
    if (this.isTime) untimedTrends.delete(name);
    else untimedTrends.add(name);
  }
}

/** k6's Gauge: the last value set (across threads: the latest), with the min and max. */
class GaugeMetric extends Metric {
  protected readonly kind = 'gauge';
}

/** The module as one script instance sees it: `new Counter(name)` records on that instance's VU. */
export function bind(ctx: ScriptContext): Record<string, unknown> {
  const ns = {
    Counter: class Counter extends CounterMetric {
      constructor(name: string, isTime?: boolean) {
        super(ctx, name, isTime);
      }
    },
    Rate: class Rate extends RateMetric {
      constructor(name: string, isTime?: boolean) {
        super(ctx, name, isTime);
      }
    },
    Trend: class Trend extends TrendMetric {
      constructor(name: string, isTime?: boolean) {
        super(ctx, name, isTime);
      }
    },
    Gauge: class Gauge extends GaugeMetric {
      constructor(name: string, isTime?: boolean) {
        super(ctx, name, isTime);
      }
    },
  };
  return { ...ns, default: ns };
}
