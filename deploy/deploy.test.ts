// The deploy files: generated files are current; the YAML reads back (PyYAML, a real parser) as
// the typed sources; compose and Kubernetes agree with the app's real knobs (parsed by the app's
// own config code), ports, probes and routes; the k6 TestRun points at its ConfigMap; and every
// Grafana panel names metrics a live target app (real Postgres, real Redis) and the runner export.
// Validation against the Compose JSON schema, Kubernetes' OpenAPI schemas and the k6-operator
// CRD is in schemas.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromFlags, KNOBS } from '../target-app/launcher/config.ts';
import { RunAggregate } from '../runner/recorder/aggregate.ts';
import { IntervalRecorder } from '../runner/recorder/interval.ts';
import { formatPrometheus } from '../runner/ci-outputs/prometheus.ts';
import { needs, type Requirement } from '../runner/testing/requirements.ts';
import { portOpen } from '../target-app/launcher/services/free-port.ts';
import { composeFile, prometheusConfig } from './compose.ts';
import { generateDeployFiles, ROOT } from './generate.ts';
import { metricsInExpr, PANELS, SYNTHETIC_METRICS } from './grafana.ts';
import { K6_SCRIPT_FILE, demoData, k6Load, resultsReader, targetApp } from './k8s.ts';
import { APP_PORT, LB_PORTS, READY_PATH, HEALTH_PATH } from './stack.ts';

const pyyaml: Requirement = {
  name: 'python3 with PyYAML',
  missing: async () => {
    try {
      execFileSync('python3', ['-c', 'import yaml']);
      return null;
    } catch {
      return 'python3 -c "import yaml" failed (apt-get install python3-yaml)';
    }
  },
};

/** Every YAML document of a file, read by PyYAML and handed back as JSON. */
function readYaml(rel: string): unknown[] {
  const py = 'import json,sys,yaml\nprint(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))';
  return JSON.parse(execFileSync('python3', ['-c', py, path.join(ROOT, rel)]).toString('utf8')) as unknown[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const KNOWN_ENV = new Set(Object.values(KNOBS).map((k) => k.env));
const APP_ROUTES = readFileSync(path.join(ROOT, 'target-app/http/app.ts'), 'utf8');

describe('deploy files', async () => {
  const skip = await needs(pyyaml);
  let files: Map<string, string>;
  beforeAll(async () => {
    files = await generateDeployFiles();
  });

  it('the committed files are what deploy/generate.ts produces', () => {
    expect(files.size).toBe(13);
    for (const [rel, text] of files) expect(readFileSync(path.join(ROOT, rel), 'utf8'), `${rel} is stale: npx tsx deploy/generate.ts`).toBe(text);
  });

  it.skipIf(skip)('YAML reads back (PyYAML) as the typed sources', () => {
    expect(readYaml('docker-compose.yml')).toEqual([composeFile()]);
    expect(readYaml('deploy/prometheus/prometheus.yml')).toEqual([prometheusConfig()]);
    expect(readYaml('deploy/k8s/target-app.yaml')).toEqual(targetApp());
    expect(readYaml('deploy/k8s/demo-data.yaml')).toEqual(demoData());
    expect(readYaml('deploy/k8s/k6-results-reader.yaml')).toEqual([resultsReader()]);
    const k6 = readYaml('deploy/k8s/k6-testrun.yaml');
    const script = obj(obj(obj(k6[0]).data))[K6_SCRIPT_FILE];
    expect(typeof script).toBe('string');
    expect(k6).toEqual(k6Load(String(script)));
  });

  it('compose: app services use real knobs, scale freely, and are wired to lb, Prometheus and their dependencies', () => {
    const c = obj(composeFile());
    const services = obj(c.services);
    for (const name of ['postgres', 'pgbouncer', 'redis', 'app-async', 'app-sync', 'lb', 'prometheus', 'grafana', 'runner']) expect(services[name], name).toBeDefined();
    for (const [variant, name] of [['async', 'app-async'], ['sync', 'app-sync']] as const) {
      const s = obj(services[name]);
      const env = obj(s.environment) as Record<string, string>;
      for (const k of Object.keys(env)) expect(KNOWN_ENV.has(k), `${name}: ${k} is not a knob of target-app/launcher/config.ts`).toBe(true);
      // the app's own parser accepts the environment, and it means what the stack assumes
      const config = configFromFlags({}, env);
      expect(config).toMatchObject({ variant, host: '0.0.0.0', port: APP_PORT, sessions: 'redis', queue: 'bullmq' });
      expect(new URL(config.databaseUrl ?? '').host).toBe('pgbouncer:6432');
      expect(new URL(config.redisUrl ?? '').hostname).toBe('redis');
      // scalable: no fixed name, no host port
      expect(s.container_name).toBeUndefined();
      expect(s.ports).toBeUndefined();
      const probe = arr(obj(s.healthcheck).test).join(' ');
      expect(probe).toContain(`http://127.0.0.1:${APP_PORT}${READY_PATH}`);
      expect(APP_ROUTES).toContain(`app.get('${READY_PATH}'`);
    }
    for (const [name, s] of Object.entries(services)) {
      const deps = obj(s).depends_on;
      for (const d of Array.isArray(deps) ? deps : Object.keys(obj(deps))) expect(services[String(d)], `${name} depends on ${String(d)}`).toBeDefined();
      for (const v of arr(obj(s).volumes)) {
        const src = String(v).split(':')[0] ?? '';
        if (src.startsWith('./') && src !== './reports/out') expect(existsSync(path.join(ROOT, src)), `${name} mounts ${src}`).toBe(true);
      }
    }
    const nginx = files.get('deploy/nginx/nginx.conf') ?? '';
    expect(nginx).toContain(`listen ${LB_PORTS.async};`);
    expect(nginx).toContain(`http://app-async:${APP_PORT};`);
    expect(nginx).toContain(`http://app-sync:${APP_PORT};`);
    const sd = obj(arr(obj(arr(obj(prometheusConfig()).scrape_configs)[0]).dns_sd_configs)[0]);
    expect(sd).toMatchObject({ names: ['app-async', 'app-sync'], port: APP_PORT, type: 'A' });
    const runner = obj(services.runner);
    expect(arr(runner.command).slice(0, 2)).toEqual(['run', 'scenarios/demo.ts']);
    expect(existsSync(path.join(ROOT, 'scenarios/demo.ts'))).toBe(true);
  });

  it('kubernetes: selectors, ports, probes, the HPA target and the TestRun agree', () => {
    const docs = [...targetApp(), ...demoData(), ...k6Load('// script'), resultsReader()].map(obj);
    for (const d of docs) {
      expect(typeof d.apiVersion).toBe('string');
      expect(typeof d.kind).toBe('string');
      expect(String(obj(d.metadata).name)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const byKind = (kind: string, name: string) => docs.find((d) => d.kind === kind && obj(d.metadata).name === name) ?? {};
    for (const name of ['target-app', 'postgres', 'redis']) {
      const dep = obj(byKind('Deployment', name).spec);
      const labels = obj(obj(obj(dep.template).metadata).labels);
      expect(obj(dep.selector).matchLabels).toEqual(labels);
      const svc = obj(byKind('Service', name).spec);
      expect(svc.selector).toEqual(labels);
      const container = obj(arr(obj(obj(dep.template).spec).containers)[0]);
      const portNames = arr(container.ports).map((p) => obj(p).name);
      for (const p of arr(svc.ports)) expect(portNames).toContain(obj(p).targetPort);
    }
    const app = obj(arr(obj(obj(obj(byKind('Deployment', 'target-app').spec).template).spec).containers)[0]);
    const env = Object.fromEntries(arr(app.env).map((e) => [String(obj(e).name), String(obj(e).value)]));
    expect(configFromFlags({}, env)).toMatchObject({ port: APP_PORT, host: '0.0.0.0' });
    expect(obj(obj(app.readinessProbe).httpGet).path).toBe(READY_PATH);
    expect(obj(obj(app.livenessProbe).httpGet).path).toBe(HEALTH_PATH);
    expect(APP_ROUTES).toContain(`app.get('${HEALTH_PATH}'`);
    expect(obj(obj(app.resources).requests).cpu).toBeDefined();
    const hpa = obj(byKind('HorizontalPodAutoscaler', 'target-app').spec);
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'target-app' });
    expect(arr(hpa.metrics).map((m) => obj(m).type)).toEqual(['Resource', 'Pods']);
    const tr = obj(byKind('TestRun', 'demo'));
    expect(tr.apiVersion).toBe('k6.io/v1alpha1');
    const spec = obj(tr.spec);
    expect(Number.isInteger(spec.parallelism) && Number(spec.parallelism) >= 2).toBe(true);
    const cmRef = obj(obj(spec.script).configMap);
    expect(obj(byKind('ConfigMap', String(cmRef.name)).data)[String(cmRef.file)]).toBe('// script');
    expect(String(spec.arguments)).toContain('--out json=/results/$(POD_NAME).json.gz');
    const runner = obj(spec.runner);
    expect(arr(runner.env).map((e) => obj(e).name)).toContain('POD_NAME');
    expect(obj(arr(runner.volumes)[0]).persistentVolumeClaim).toEqual({ claimName: 'k6-results' });
    expect(byKind('PersistentVolumeClaim', 'k6-results').kind).toBe('PersistentVolumeClaim');
  });

  it.skipIf(skip)('the ConfigMap carries a k6 script of scenarios/demo.ts that parses as an ES module', () => {
    const script = String(obj(obj(readYaml('deploy/k8s/k6-testrun.yaml')[0]).data)[K6_SCRIPT_FILE]);
    expect(script).toContain("import http from 'k6/http';");
    expect(script).toMatch(/export default function \(\) \{/);
    const dir = mkdtempSync(path.join(tmpdir(), 'stampede-deploy-'));
    try {
      writeFileSync(path.join(dir, 'demo.k6.mjs'), script);
      execFileSync(process.execPath, ['--check', path.join(dir, 'demo.k6.mjs')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('grafana dashboard', async () => {
  const redisUrl = process.env.REDIS_URL ?? ((await portOpen(6379)) ? 'redis://127.0.0.1:6379' : null);
  const skip = await needs({ name: 'redis (REDIS_URL or 127.0.0.1:6379)', missing: async () => (redisUrl ? null : 'no Redis reachable') });
  let families = new Set<string>();
  let stop: (() => Promise<void>) | null = null;
  afterAll(async () => {
    await stop?.();
  });

  it('every PromQL identifier is a metric its panel declares', () => {
    for (const p of PANELS) {
      for (const t of p.targets) {
        for (const m of metricsInExpr(t.expr)) {
          const base = m.replace(/_(bucket|sum|count)$/, '');
          expect(p.metrics.includes(m) || p.metrics.includes(base), `${p.title}: ${t.expr} reads ${m}, not declared`).toBe(true);
        }
      }
    }
    expect(metricsInExpr('sum by (le, route) (rate(x_bucket{a="b"}[1m])) / y')).toEqual(['x_bucket', 'y']);
  });

  it.skipIf(skip)('every app panel reads metrics a live target app exports', async () => {
    const { createTestDatabase } = await import('../target-app/testing/fixtures.ts');
    const { startTarget } = await import('../target-app/launcher/start.ts');
    const db = await createTestDatabase();
    const target = await startTarget({ databaseUrl: db.url, redisUrl: redisUrl ?? undefined, queue: 'bullmq', workers: 2, port: 0, products: 100 });
    stop = async () => {
      await target.stop();
      await db.drop();
    };
    await fetch(`${target.url}/products`).then((r) => r.arrayBuffer());
    const text = await (await fetch(`${target.url}/metrics`)).text();
    families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
    expect(families.has('http_request_duration_seconds')).toBe(true);
    for (const p of PANELS.filter((x) => x.source === 'app')) {
      for (const m of p.metrics) expect(families.has(m) || SYNTHETIC_METRICS.has(m), `panel "${p.title}" reads ${m}, which the app does not export`).toBe(true);
    }
    expect(families.has('http_requests_totally')).toBe(false);
  }, 120_000);

  it('every runner panel reads metrics `stampede run --metrics-port` exports', () => {
    const agg = new RunAggregate(1, () => null);
    const rec = new IntervalRecorder(0);
    rec.http({ tags: { scenario: 's', name: 'n', method: 'GET', status: '200' }, failed: false, errorKind: '', durationUs: 1000, latencyUs: 2000, waitingUs: 500, connectingUs: 0, bytesSent: 1, bytesReceived: 1 });
    rec.dropped({ scenario: 's' });
    agg.add(rec.snapshot(0));
    rec.close();
    const names = new Set([...formatPrometheus(agg).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
    for (const p of PANELS.filter((x) => x.source === 'runner')) for (const m of p.metrics) expect(names.has(m), `panel "${p.title}" reads ${m}`).toBe(true);
  });
});
