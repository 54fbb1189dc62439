// A second-by-second simulation of a Kubernetes HorizontalPodAutoscaler (autoscaling/v2, CPU
// utilisation target) in front of pods that each carry `mstPerPod` iterations/s at the SLO, fed by an
// arrival-rate profile. Pure and deterministic: same input, same series.
//
// What it follows from kubernetes/kubernetes (pkg/controller/podautoscaler/replica_calculator.go,
// horizontal.go; pkg/apis/autoscaling/v2/defaults.go; kube-controller-manager HPA config defaults):
//  - every sync period (15 s) the controller reads the utilisation of the pods that have a full
//    metric sample since they became ready; usageRatio = utilisation / target;
//  - |1 − usageRatio| ≤ tolerance (0.1) → keep the current count; else ⌈usageRatio × ready⌉;
//  - when scaling up with not-yet-ready pods, those count as 0 % busy (so the controller does
//    not pile on while pods start): ⌈Σ utilisation / target⌉, and no change if that flips the
//    direction;
//  - stabilisation: scale-up takes the lowest recommendation of the last 0 s, scale-down the
//    highest of the last 300 s;
//  - rate limits per 15 s: up by max(4 pods, 100 %), down by 100 %; then [minReplicas, maxReplicas];
//  - target utilisation when none is given: 80 % (DefaultCPUUtilization).
// Modelling choices (not Kubernetes): time moves in whole seconds; a pod is ready
// `podStartupMs` after the HPA creates it; a pod's utilisation is offered / (ready × MST)
// (CPU is not capped at the request unless `maxUtilisation` says so); scale-down removes
// starting pods first (as a ReplicaSet does) and takes capacity away at once; requests
// beyond capacity wait in a fluid queue, and queueing delay ≈ backlog / capacity.
import { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { validateOrThrow } from '../result/validate.ts';
import { profileDurationSeconds, profilePeak, profileRequests, type ArrivalProfile } from './arrival-profile.ts';
import { instancesNeeded } from './instances.ts';

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  /** Max: the policy allowing the biggest change; Min: the smallest; Disabled: no scaling this way */
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface HpaParams {
  /** target average utilisation, as a fraction of MST (0.8 = Kubernetes' default 80 %) */
  targetUtilization: number;
  tolerance: number;
  syncPeriodMs: number;
  minReplicas: number;
  maxReplicas: number;
  /** from the HPA creating a pod to the pod serving traffic (image pull, boot, readiness probe) */
  podStartupMs: number;
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
  /** the most a pod can report (e.g. CPU limit ÷ CPU at MST); Infinity = no limit */
  maxUtilisation: number;
}

/** Kubernetes' defaults (see the header); podStartupMs and maxReplicas are ours (maxReplicas is required in a real HPA). */
export const HPA_DEFAULTS: HpaParams = {
  targetUtilization: 0.8,
  tolerance: 0.1,
  syncPeriodMs: 15_000,
  minReplicas: 1,
  maxReplicas: 100,
  podStartupMs: 30_000,
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
  maxUtilisation: Infinity,
};

export interface HpaSimInput {
  /** max sustainable throughput of one pod under the SLO, iterations/s */
  mstPerPod: number;
  profile: ArrivalProfile;
  hpa?: Partial<HpaParams>;
  /** replicas (all ready) at t = 0; default: what the HPA settles on for the start rate */
  initialReplicas?: number;
  /** utilisation to plan for when pre-scaling, default 0.7 */
  headroom?: number;
  /** queueing delay users accept on top of the SLO before a second counts as "over", default 0 */
  queueingBudgetMs?: number;
}

export interface HpaSample {
  /** seconds since the start; the sample covers [t, t+1) */
  t: number;
  /** mean arrival rate in this second, iterations/s */
  offered: number;
  /** pods serving traffic */
  ready: number;
  /** pods the deployment has (ready + starting): the HPA's last decision */
  replicas: number;
  /** the HPA's latest metric-based recommendation, before stabilisation and rate limits */
  recommended: number;
  /** offered / (ready × MST) */
  utilisation: number;
  /** ready × MST, iterations/s */
  capacity: number;
  /** requests waiting at the end of this second */
  backlog: number;
  /** ≈ backlog / capacity, ms */
  queueingDelayMs: number;
}

export interface HpaSummary {
  durationSeconds: number;
  peakOffered: number;
  initialReplicas: number;
  maxReplicasUsed: number;
  /** the HPA wanted more than maxReplicas at some sync */
  hitMaxReplicas: boolean;
  maxBacklog: number;
  maxQueueingDelayMs: number;
  /** t of the worst queueing delay */
  maxQueueingDelayAt: number;
  /** seconds whose queueing delay exceeded the budget */
  secondsOverSlo: number;
  /** seconds with any backlog */
  secondsQueueing: number;
  /** the backlog was still there when the profile ended */
  backlogAtEnd: number;
  preScale: {
    /** ⌈peak / (MST × headroom)⌉, at least minReplicas */
    replicas: number;
    headroom: number;
    /** the pre-scale count is above maxReplicas */
    exceedsMaxReplicas: boolean;
  };
  /** autoscaling alone kept queueing within the budget */
  autoscalingSuffices: boolean;
  verdict: string;
}

export interface HpaSimulation {
  params: HpaParams;
  series: HpaSample[];
  summary: HpaSummary;
}

const policySchema = z.object({ type: z.enum(['Pods', 'Percent']), value: z.number().int().positive(), periodSeconds: z.number().int().positive().max(1800) });
const rulesSchema = z.object({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']),
  policies: z.array(policySchema).min(1),
});
const inputSchema = z.object({
  mstPerPod: z.number().positive().finite(),
  profile: z.object({
    startRate: z.number().min(0).finite(),
    stages: z.array(z.object({ durationMs: z.number().min(0).finite(), target: z.number().min(0).finite() })).min(1),
  }),
  hpa: z.object({
    targetUtilization: z.number().positive().finite(),
    tolerance: z.number().min(0).lt(1),
    syncPeriodMs: z.number().int().positive().multipleOf(1000, 'must be a whole number of seconds (in ms)'),
    minReplicas: z.number().int().min(1),
    maxReplicas: z.number().int().min(1),
    podStartupMs: z.number().min(0).finite(),
    scaleUp: rulesSchema,
    scaleDown: rulesSchema,
    maxUtilisation: z.custom<number>((v) => typeof v === 'number' && v > 0, 'expected a number > 0 (Infinity: no limit)'),
  }),
  initialReplicas: z.number().int().min(0).optional(),
  headroom: z.number().positive().max(1),
  queueingBudgetMs: z.number().min(0),
});

interface Pod {
  /** second from which it serves */
  readyAt: number;
}

interface Stamped {
  t: number;
  value: number;
}

const ceilSafe = (v: number) => Math.ceil(v - 1e-9); // 14.000000000002 is 14, not 15

/** The replica calculator for a utilisation metric (replica_calculator.go, GetResourceReplicas). */
export function metricRecommendation(args: { current: number; metricReady: number; utilisation: number; target: number; tolerance: number }): number {
  const { current, metricReady, utilisation, target, tolerance } = args;
  const unready = current - metricReady;
  const usageRatio = utilisation / target;
  if (!(unready > 0 && usageRatio > 1)) {
    if (Math.abs(1 - usageRatio) <= tolerance) return current;
    return ceilSafe(usageRatio * metricReady);
  }
  // Scaling up while pods are still starting: count them as idle.
  const newRatio = (utilisation * metricReady) / (current * target);
  if (Math.abs(1 - newRatio) <= tolerance || newRatio < 1) return current;
  return Math.max(current, ceilSafe(newRatio * current));
}

function changeInPeriod(events: readonly Stamped[], now: number, periodSeconds: number): number {
  // horizontal.go getReplicasChangePerPeriod: events strictly after now − period
  return events.filter((e) => e.t > now - periodSeconds).reduce((s, e) => s + e.value, 0);
}

function scaleLimit(dir: 'up' | 'down', rules: ScalingRules, current: number, upEvents: readonly Stamped[], downEvents: readonly Stamped[], now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((p) => {
    const start = current - changeInPeriod(upEvents, now, p.periodSeconds) + changeInPeriod(downEvents, now, p.periodSeconds);
    if (dir === 'up') return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
  });
  // "Max" = the biggest change: the highest limit up, the lowest limit down.
  const biggest = dir === 'up' ? Math.max(...proposals) : Math.min(...proposals);
  const smallest = dir === 'up' ? Math.min(...proposals) : Math.max(...proposals);
  return rules.selectPolicy === 'Max' ? biggest : smallest;
}

function steadyStateReplicas(rate: number, mst: number, p: HpaParams): number {
  const n = Math.ceil(rate / (mst * p.targetUtilization) - 1e-9);
  return Math.min(p.maxReplicas, Math.max(p.minReplicas, n));
}

export function simulateHpa(input: HpaSimInput): HpaSimulation {
  const merged = {
    ...input,
    hpa: { ...HPA_DEFAULTS, ...input.hpa },
    headroom: input.headroom ?? 0.7,
    queueingBudgetMs: input.queueingBudgetMs ?? 0,
  };
  const checked = validateOrThrow(inputSchema, merged, 'HPA simulation input');
  const params: HpaParams = checked.hpa;
  if (params.minReplicas > params.maxReplicas) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `HPA simulation input: hpa.minReplicas (${params.minReplicas}) is above hpa.maxReplicas (${params.maxReplicas})`);
  }
  const { mstPerPod: mst, profile } = input;
  const duration = Math.ceil(profileDurationSeconds(profile) - 1e-9);
  const sync = params.syncPeriodMs / 1000;
  const startup = Math.ceil(params.podStartupMs / 1000 - 1e-9);
  const initial = input.initialReplicas ?? steadyStateReplicas(profile.startRate, mst, params);

  let pods: Pod[] = Array.from({ length: initial }, () => ({ readyAt: 0 }));
  // A fresh controller records the current count as its first recommendation.
  const recommendations: Stamped[] = [{ t: 0, value: initial }];
  const upEvents: Stamped[] = [];
  const downEvents: Stamped[] = [];
  let recommended = initial;
  let hitMax = false;
  let backlog = 0;
  let previous: { offered: number } | undefined;
  const series: HpaSample[] = [];

  for (let t = 0; t < duration; t++) {
    if (t > 0 && t % sync === 0 && previous) {
      const current = pods.length;
      // Pods with a full metric sample: ready for the whole of the last second.
      const metricReady = pods.filter((p) => p.readyAt <= t - 1).length;
      let metricDesired: number;
      if (current > params.maxReplicas) metricDesired = params.maxReplicas;
      else if (current < params.minReplicas) metricDesired = params.minReplicas;
      else if (metricReady === 0) metricDesired = current; // no metrics: the HPA cannot compute, it holds
      else {
        const utilisation = Math.min(params.maxUtilisation, previous.offered / (metricReady * mst));
        metricDesired = metricRecommendation({ current, metricReady, utilisation, target: params.targetUtilization, tolerance: params.tolerance });
      }
      recommended = metricDesired;
      // Stabilisation (horizontal.go stabilizeRecommendationWithBehaviors).
      const inWindow = (w: number) => recommendations.filter((r) => r.t > t - w).map((r) => r.value);
      const upRec = Math.min(metricDesired, ...inWindow(params.scaleUp.stabilizationWindowSeconds));
      const downRec = Math.max(metricDesired, ...inWindow(params.scaleDown.stabilizationWindowSeconds));
      recommendations.push({ t, value: metricDesired });
      let stabilized = current;
      if (stabilized < upRec) stabilized = upRec;
      if (stabilized > downRec) stabilized = downRec;
      // Rate limits and bounds (convertDesiredReplicasWithBehaviorRate).
      let desired = stabilized;
      if (stabilized > current) {
        const limit = Math.max(current, scaleLimit('up', params.scaleUp, current, upEvents, downEvents, t));
        if (stabilized > params.maxReplicas) hitMax = true;
        desired = Math.min(stabilized, params.maxReplicas, limit);
      } else if (stabilized < current) {
        const limit = Math.min(current, scaleLimit('down', params.scaleDown, current, upEvents, downEvents, t));
        desired = Math.max(stabilized, params.minReplicas, limit);
      }
      if (desired > current) {
        upEvents.push({ t, value: desired - current });
        for (let i = current; i < desired; i++) pods.push({ readyAt: t + startup });
      } else if (desired < current) {
        downEvents.push({ t, value: current - desired });
        // A ReplicaSet deletes pods that are not ready first, the youngest first.
        pods = [...pods].sort((a, b) => a.readyAt - b.readyAt).slice(0, desired);
      }
    }

    const offered = profileRequests(profile, t, t + 1);
    const ready = pods.filter((p) => p.readyAt <= t).length;
    const capacity = ready * mst;
    const served = Math.min(capacity, offered + backlog);
    backlog = Math.max(0, backlog + offered - served);
    if (backlog < 1e-9) backlog = 0;
    series.push({
      t,
      offered,
      ready,
      replicas: pods.length,
      recommended,
      utilisation: capacity > 0 ? offered / capacity : offered > 0 ? Infinity : 0,
      capacity,
      backlog,
      queueingDelayMs: backlog === 0 ? 0 : capacity > 0 ? (backlog / capacity) * 1000 : Infinity,
    });
    previous = { offered };
  }

  return { params, series, summary: summarise(series, input, params, initial, hitMax, checked.headroom, checked.queueingBudgetMs) };
}

function summarise(series: HpaSample[], input: HpaSimInput, params: HpaParams, initial: number, hitMax: boolean, headroom: number, budgetMs: number): HpaSummary {
  const peak = profilePeak(input.profile);
  let worst: HpaSample | undefined;
  for (const s of series) if (!worst || s.queueingDelayMs > worst.queueingDelayMs) worst = s;
  const maxDelay = worst?.queueingDelayMs ?? 0;
  const preScaleReplicas = Math.max(params.minReplicas, instancesNeeded(peak, input.mstPerPod, headroom));
  const secondsOverSlo = series.filter((s) => s.queueingDelayMs > budgetMs).length;
  const summary: Omit<HpaSummary, 'verdict'> = {
    durationSeconds: series.length,
    peakOffered: peak,
    initialReplicas: initial,
    maxReplicasUsed: Math.max(initial, ...series.map((s) => s.replicas)),
    hitMaxReplicas: hitMax,
    maxBacklog: Math.max(0, ...series.map((s) => s.backlog)),
    maxQueueingDelayMs: maxDelay,
    maxQueueingDelayAt: worst?.t ?? 0,
    secondsOverSlo,
    secondsQueueing: series.filter((s) => s.backlog > 0).length,
    backlogAtEnd: series.at(-1)?.backlog ?? 0,
    preScale: { replicas: preScaleReplicas, headroom, exceedsMaxReplicas: preScaleReplicas > params.maxReplicas },
    autoscalingSuffices: secondsOverSlo === 0,
  };
  return { ...summary, verdict: verdictFor(summary, input.mstPerPod, budgetMs) };
}

function verdictFor(s: Omit<HpaSummary, 'verdict'>, mst: number, budgetMs: number): string {
  const pre = `⌈${s.peakOffered} / (${mst} × ${s.preScale.headroom})⌉ = ${s.preScale.replicas}`;
  if (s.autoscalingSuffices) {
    return `Autoscaling alone carries this profile: queueing stays within ${budgetMs} ms (worst ${Math.round(s.maxQueueingDelayMs)} ms). Replicas for the peak at ${Math.round(s.preScale.headroom * 100)} % utilisation: ${pre}.`;
  }
  const lines = [
    `Autoscaling alone does not survive this profile: users queue for up to ${(s.maxQueueingDelayMs / 1000).toFixed(1)} s (worst at t = ${s.maxQueueingDelayAt} s; the backlog peaks at ${Math.round(s.maxBacklog)} iterations), ${s.secondsOverSlo} s over the ${budgetMs} ms queueing budget while new pods start.`,
    `Pre-scale to ${pre} replicas before the peak.`,
  ];
  if (s.preScale.exceedsMaxReplicas) lines.push(`That is above maxReplicas: raise maxReplicas, or no autoscaling setting can carry the peak.`);
  if (s.backlogAtEnd > 0) lines.push(`The backlog (${Math.round(s.backlogAtEnd)} iterations) had not drained when the profile ended.`);
  return lines.join(' ');
}
