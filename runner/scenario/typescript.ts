// TypeScript for the user's scenario files. The CLI runs from a bundle of its own modules
// (runner/cli/launch.js) and registers tsx's loader only when a scenario is about to be
// imported — a run of a plain .js scenario, and every command that loads none, never pays
// for it. Run any other way (tsx, vitest), TypeScript already loads and this does nothing.
const ON_DEMAND = Symbol.for('stampede.typescriptOnDemand');

let registered: Promise<void> | null = null;

export function typescriptLoader(): Promise<void> {
  if ((globalThis as Record<symbol, unknown>)[ON_DEMAND] !== true) return Promise.resolve();
  registered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return registered;
}
