import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs, tryParseDurationMs } from './duration.ts';

describe('parseDurationMs (k6 ParseExtendedDuration)', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['1h2m3.5s', 3_723_500],
    ['300us', 0.3],
    ['300µs', 0.3],
    ['250000ns', 0.25],
    ['.5s', 500],
    ['0', 0],
    ['-2s', -2000],
    ['1d', 86_400_000],
    ['1d12h', 129_600_000],
    // a string that is only a number is milliseconds, as k6 reads it
    ['5000', 5000],
    ['1.5', 1.5],
    [' 10s ', 10_000],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDurationMs(input)).toBeCloseTo(ms, 9);
  });

  it('takes a number as milliseconds', () => {
    expect(parseDurationMs(2500)).toBe(2500);
  });

  it.each(['', 's', '10x', '1m30', '1.2.3s', 'abc', '5 s', 'd', '1d-5h', 'Infinity', 'NaN', '1e3s'])('rejects %j', (bad) => {
    expect(tryParseDurationMs(bad)).toBeUndefined();
  });

  it.each([null, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY])('rejects the non-duration %s', (bad) => {
    expect(tryParseDurationMs(bad)).toBeUndefined();
  });

  it('says what it expected and what it got', () => {
    expect(() => parseDurationMs('5 minutes')).toThrow('expected a duration such as "30s", "1m30s", "500ms" or a number of milliseconds, got "5 minutes"');
    expect(() => parseDurationMs(true)).toThrow('got true');
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [3_723_500, '1h2m3.5s'],
  ])('%d ms → %s, and back', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });
});
