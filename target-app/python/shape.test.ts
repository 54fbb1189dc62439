import { describe, expect, it } from 'vitest';
import { shapeOf } from './shape.ts';

describe('shapeOf', () => {
  it('keeps keys and types, drops values, sorts keys', () => {
    expect(shapeOf({ b: 1, a: 'x', c: null })).toBe('{a:string,b:number,c:null}');
    expect(shapeOf({ id: 7 })).toBe(shapeOf({ id: 8 }));
  });
  it('tells apart what a client would notice', () => {
    expect(shapeOf({ id: 1 })).not.toBe(shapeOf({ id: '1' }));
    expect(shapeOf({ a: 1 })).not.toBe(shapeOf({ a: 1, b: 1 }));
    expect(shapeOf({ a: null })).not.toBe(shapeOf({ a: 0 }));
    expect(shapeOf([])).not.toBe(shapeOf([{ x: 1 }]));
  });
  it('describes arrays by the set of their element shapes', () => {
    expect(shapeOf([{ x: 1 }, { x: 2 }])).toBe('[{x:number}]');
    expect(shapeOf([1, 'a', 2])).toBe('[number|string]');
  });
});
