// The shape of a JSON value — its keys and value types, recursively, without the values — so
// two shops' answers can be compared when ids, tokens and timestamps differ. Arrays show the
// set of their elements' shapes (empty: `[]`), objects their keys in sorted order.
export function shapeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${[...new Set(v.map(shapeOf))].sort().join('|')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${k}:${shapeOf(o[k])}`)
      .join(',')}}`;
  }
  return typeof v;
}
