// The env a command's scenario sees: the process environment the command started with, with
// the command's --env values (and a --target's BASE) over it, as k6 builds __ENV. This is the
// one place the run's env is read from process.env; from here on it is a value of the plan.
export function scenarioEnv(given: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (typeof v === 'string') env[k] = v;
  return { ...env, ...given };
}
