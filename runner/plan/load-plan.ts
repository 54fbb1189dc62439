// A command's run plan: the scenario file loaded once, with the env its top level sees, and
// planned (run-plan.ts). Everything after this works on the plan, not on the file.
import { loadScenario } from '../scenario/load.ts';
import { planRun, type PlanSettings, type RunPlan } from './run-plan.ts';

export interface LoadPlanSettings extends PlanSettings {
  /** load the file as a k6 script even if it imports no k6 module (`stampede run --k6`) */
  k6?: boolean;
}

/** Loads `file` with `settings.env` as its init env (k6's init-context __ENV) and plans a run of it. */
export async function loadPlan(file: string, settings: LoadPlanSettings): Promise<RunPlan> {
  const scenario = await loadScenario(file, { k6: settings.k6 === true, env: settings.env });
  return planRun(scenario, settings);
}
