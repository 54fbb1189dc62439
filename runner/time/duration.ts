// k6 duration values → milliseconds, with k6's rules (lib/types/types.go, ParseExtendedDuration):
// - a number is milliseconds (JSON `5000`), and so is a string that is only a number ('5000');
// - otherwise Go's time.ParseDuration syntax: an optional sign, then one or more
//   `<decimal><unit>` parts, units ns, us, µs, μs, ms, s, m, h ('1m30s', '1.5s', '500ms');
// - k6's extension: a leading whole number of days ('2d', '1d12h').
// Results may be fractional ('300us' → 0.3).

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DAY_MS = 86_400_000;
// one `<decimal><unit>` part; Go accepts '1.', '.5' but not '.'
const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
// strconv.ParseFloat's plain decimal forms (no 'inf'/'nan', which Go also accepts but no one means)
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const DURATION_EXPECTATION = 'a duration such as "30s", "1m30s", "500ms" or a number of milliseconds';

/** Parses a Go duration string ('1h2m3.5s'), no days, no plain numbers. undefined when malformed. */
function parseGoDuration(text: string): number | undefined {
  let i = 0;
  let sign = 1;
  if (text[0] === '+' || text[0] === '-') {
    sign = text[0] === '-' ? -1 : 1;
    i = 1;
  }
  const body = text.slice(i);
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex;
    const m = PART.exec(body);
    if (m === null || m.index !== at) return undefined;
    const unit = UNIT_MS[m[2] as string];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return sign * total;
}

/** k6 duration → ms, or undefined when the value is not a duration. */
export function tryParseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (PLAIN_NUMBER.test(text)) return Number(text);
  const d = text.indexOf('d');
  if (d < 0) return parseGoDuration(text);
  // k6: '<int>d' optionally followed by a Go duration without a sign
  const daysText = text.slice(0, d);
  if (!/^[+-]?\d+$/.test(daysText)) return undefined;
  const days = Number(daysText);
  let rest = 0;
  if (d + 1 < text.length) {
    const tail = text.slice(d + 1);
    if (tail.startsWith('-') || tail.startsWith('+')) return undefined;
    const parsed = parseGoDuration(tail);
    if (parsed === undefined) return undefined;
    rest = parsed;
  }
  return days * DAY_MS + (days < 0 ? -rest : rest);
}

/** k6 duration → ms; throws an Error whose message says what was expected and what was given. */
export function parseDurationMs(value: unknown): number {
  const ms = tryParseDurationMs(value);
  if (ms === undefined) throw new Error(`expected ${DURATION_EXPECTATION}, got ${showValue(value)}`);
  return ms;
}

/** ms → the shortest k6/Go-style duration string ('1m30s', '500ms', '2h'); for messages and exports. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${round(rest)}ms`;
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  if (h > 0) out += `${h}h`;
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  if (m > 0) out += `${m}m`;
  rest -= m * 60_000;
  if (rest > 0) out += `${round(rest / 1000)}s`;
  return sign + out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A value as shown in messages: its JSON, or a word for what JSON cannot show. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return String(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
