// jslib k6-utils (https://jslib.k6.io/k6-utils/1.x.x/index.js), written here from its documented
// behaviour (not fetched): the helpers scripts import most.
import { randomUUID } from 'node:crypto';

/** an integer in [min, max], both included */
export function randomIntBetween(min: number, max: number): number {
  return Math.floor(Math.random() * (max - min + 1) + min);
}

export function randomItem<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

export function randomString(length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string {
  let s = '';
  for (let i = 0; i < length; i++) s += charset[Math.floor(Math.random() * charset.length)];
  return s;
}

export function uuidv4(secure = false): string {
  void secure;
  return randomUUID();
}

/** the text between `left` and `right` (the first, or every one with repeat) */
export function findBetween(content: string, left: string, right: string, repeat = false): string | string[] | null {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const a = content.indexOf(left, from);
    if (a < 0) break;
    const b = content.indexOf(right, a + left.length);
    if (b < 0) break;
    found.push(content.slice(a + left.length, b));
    if (!repeat) break;
    from = b + right.length;
  }
  return repeat ? found : (found[0] ?? null);
}

export function normalDistributionStages(): never {
  throw new Error('k6-utils normalDistributionStages() is not vendored by Stampede; write the stages out');
}
