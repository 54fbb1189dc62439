// The part of gjson's path syntax k6 scripts use with Response.json(selector): `a.b`, array
// indices `items.0`, the length `items.#`, a field of every element `items.#.id`, and `\.` for a
// literal dot. A path that matches nothing yields undefined (k6: null... gjson: no result).

function splitPath(path: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\' && i + 1 < path.length) {
      cur += path[++i];
    } else if (ch === '.') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function step(value: unknown, parts: string[]): unknown {
  if (parts.length === 0) return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head === '#') {
      if (rest.length === 0) return value.length;
      return value.map((v) => step(v, rest)).filter((v) => v !== undefined);
    }
    if (/^\d+$/.test(head)) return step(value[Number(head)], rest);
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    if (/[*?]/.test(head)) {
      const re = new RegExp(`^${head.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const key = Object.keys(value).find((k) => re.test(k));
      return key === undefined ? undefined : step((value as Record<string, unknown>)[key], rest);
    }
    return Object.hasOwn(value, head) ? step((value as Record<string, unknown>)[head], rest) : undefined;
  }
  return undefined;
}

export function gjson(value: unknown, path: string): unknown {
  if (path.includes('|') || path.includes('@') || path.includes('#(')) throw new Error(`json(${JSON.stringify(path)}): gjson queries, modifiers and pipes are not supported; select with a plain path`);
  return step(value, splitPath(path));
}
