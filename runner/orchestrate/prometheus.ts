// A parser for the Prometheus text exposition format (version 0.0.4, as prom-client writes it;
// OpenMetrics' `# EOF` and `_created` lines are tolerated). It is written by hand because the
// format is small and the scraper needs per-line error reporting, not a dependency.
//
// Grammar per line: `# HELP name escaped-text`, `# TYPE name type`, other `#` comments, blank
// lines, and samples `name{label="value",...} value [timestamp_ms]`. Label values escape `\\`,
// `\"` and `\n`; HELP text escapes `\\` and `\n`. Values are Go floats: `+Inf`, `-Inf`, `NaN`.
// Samples named `<family>_bucket|_sum|_count` (histogram) or `_sum|_count` (summary) belong to
// the family declared by TYPE.

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** the sample's own name (e.g. `http_request_duration_seconds_bucket`) */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** ms since the epoch, when the exposition gave one */
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  kind: MetricKind;
  help: string;
  samples: Sample[];
}

export interface ParseProblem {
  /** 1-based line number */
  line: number;
  message: string;
}

export interface Exposition {
  families: Map<string, MetricFamily>;
  /** malformed lines, skipped (a scrape keeps what it could read) */
  problems: ParseProblem[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const KINDS = new Set<MetricKind>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses a Go-style float as Prometheus reads it (strconv.ParseFloat: 'Inf', 'infinity' and 'NaN'
 * in any case — prom-client writes 'Nan' for an empty event-loop histogram).
 */
export function parseValue(raw: string): number | null {
  const lower = raw.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) && !/^[-+]?0[xX][0-9a-fA-F]+$/.test(raw)) return null;
  return Number(raw);
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** The family a sample belongs to, given the TYPEs declared so far. */
function familyOf(sampleName: string, declared: Map<string, MetricFamily>): string {
  if (declared.has(sampleName)) return sampleName;
  for (const suffix of ['_bucket', '_sum', '_count', '_created', '_total']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const fam = declared.get(base);
    if (!fam) continue;
    if (suffix === '_bucket' && fam.kind === 'histogram') return base;
    if ((suffix === '_sum' || suffix === '_count' || suffix === '_created') && (fam.kind === 'histogram' || fam.kind === 'summary')) return base;
    // OpenMetrics names a counter family without `_total` and its sample with it
    if (suffix === '_total' && fam.kind === 'counter') return base;
  }
  return sampleName;
}

/** Reads `{a="b",c="d"}` starting at `i` (which points at `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpaces = () => {
    while (line[i] === ' ' || line[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (line[i] === '}') return { labels, end: i + 1 };
    const m = LABEL_NAME.exec(line.slice(i));
    if (!m) throw new Error(`expected a label name at column ${i + 1}`);
    const key = m[0];
    i += key.length;
    skipSpaces();
    if (line[i] !== '=') throw new Error(`expected '=' after label ${key} at column ${i + 1}`);
    i++;
    skipSpaces();
    if (line[i] !== '"') throw new Error(`expected '"' to open the value of label ${key} at column ${i + 1}`);
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new Error(`unterminated value of label ${key}`);
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const n = line[i + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new Error(`bad escape \\${n ?? ''} in label ${key}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    if (Object.hasOwn(labels, key)) throw new Error(`label ${key} given twice`);
    labels[key] = value;
    skipSpaces();
    if (line[i] === ',') {
      i++;
      continue;
    }
    if (line[i] === '}') return { labels, end: i + 1 };
    throw new Error(`expected ',' or '}' after label ${key} at column ${i + 1}`);
  }
}

function parseSample(line: string): Sample {
  const m = NAME.exec(line);
  if (!m) throw new Error('expected a metric name');
  const name = m[0];
  let i = name.length;
  let labels: Record<string, string> = {};
  if (line[i] === '{') {
    const l = parseLabels(line, i);
    labels = l.labels;
    i = l.end;
  }
  const rest = line.slice(i).trim().split(/[ \t]+/);
  if (line[i] !== ' ' && line[i] !== '\t') throw new Error(`expected a space before the value of ${name}`);
  const [rawValue, rawTs, extra] = rest;
  if (rawValue === undefined || rawValue === '') throw new Error(`${name}: missing value`);
  if (extra !== undefined) throw new Error(`${name}: unexpected text after the timestamp`);
  const value = parseValue(rawValue);
  if (value === null) throw new Error(`${name}: value ${JSON.stringify(rawValue)} is not a number`);
  const sample: Sample = { name, labels, value };
  if (rawTs !== undefined) {
    if (!/^-?\d+$/.test(rawTs)) throw new Error(`${name}: timestamp ${JSON.stringify(rawTs)} is not an integer`);
    sample.timestampMs = Number(rawTs);
  }
  return sample;
}

/** Parses one exposition. Malformed lines are reported in `problems` and skipped. */
export function parsePrometheusText(text: string): Exposition {
  const families = new Map<string, MetricFamily>();
  const problems: ParseProblem[] = [];
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, kind: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      if (trimmed.startsWith('#')) {
        const m = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(trimmed);
        if (!m) continue; // a plain comment, or `# EOF`
        const [, keyword, name = '', rest = ''] = m;
        if (keyword === 'HELP') family(name).help = unescapeHelp(rest);
        else {
          const kind = rest.trim() as MetricKind;
          if (!KINDS.has(kind)) throw new Error(`TYPE ${name}: unknown type ${JSON.stringify(rest.trim())}`);
          const f = family(name);
          if (f.samples.length > 0 && f.kind !== kind) throw new Error(`TYPE ${name} after its samples`);
          f.kind = kind;
        }
        continue;
      }
      const sample = parseSample(trimmed);
      family(familyOf(sample.name, families)).samples.push(sample);
    } catch (e) {
      problems.push({ line: n + 1, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { families, problems };
}

/** Sum of the values of samples named `name` whose labels include every `where` pair; null when none match. */
export function sumSamples(expo: Exposition, name: string, where: Record<string, string> = {}): number | null {
  let total: number | null = null;
  for (const fam of expo.families.values()) {
    for (const s of fam.samples) {
      if (s.name !== name) continue;
      if (!Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
      total = (total ?? 0) + s.value;
    }
  }
  return total;
}
