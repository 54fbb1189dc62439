// The bundle must be React's production build even when built inside vitest (NODE_ENV=test).
import { expect, it } from 'vitest';
import { ensureUiBundle } from './bundle.ts';

it('builds React for production whatever NODE_ENV the builder runs under', async () => {
  expect(process.env.NODE_ENV).toBe('test');
  const b = await ensureUiBundle({ force: true });
  expect(b.js).not.toContain('react-dom.development');
  // JSX compiled for the production runtime: React's production build has no jsxDEV
  expect(b.js).not.toContain('jsxDEV');
  expect(process.env.NODE_ENV).toBe('test');
  expect(b.js).not.toMatch(/Warning: |validateDOMNesting/);
  // a budget for every page the bundle carries; React's development build would add ~1 MB
  expect(b.js.length).toBeLessThan(1_200_000);
}, 120_000);
