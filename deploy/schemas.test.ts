// The committed deploy files against real schemas (deploy/validate.ts): docker-compose.yml against
// the Compose specification's JSON schema; every Kubernetes document against the OpenAPI
// validators of kubernetes-models and, for unknown fields, the kubernetes-types types; the
// TestRun against the schema written from the k6-operator CRD. Each check is shown to fail on a
// typo'd field and on a wrong type, so a passing run means something.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs, type Requirement } from '../runner/testing/requirements.ts';
import { strictFieldCheck, validateCompose, validateK8s, type TypedValue } from './validate.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const K8S_FILES = ['deploy/k8s/target-app.yaml', 'deploy/k8s/demo-data.yaml', 'deploy/k8s/k6-testrun.yaml', 'deploy/k8s/k6-results-reader.yaml'];

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

type Obj = Record<string, unknown>;
/** Every YAML document of a file (PyYAML, a real YAML parser), as JSON. */
function readYaml(rel: string): Obj[] {
  const py = 'import json,sys,yaml\nprint(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))';
  return JSON.parse(execFileSync('python3', ['-c', py, path.join(ROOT, rel)]).toString('utf8')) as Obj[];
}

/** Follows a path of keys and indexes, creating nothing: the object that holds the last key. */
function at(doc: unknown, keys: Array<string | number>): Obj {
  let cur: unknown = doc;
  for (const k of keys) cur = (cur as Record<string | number, unknown>)[k];
  if (cur === null || typeof cur !== 'object') throw new Error(`no object at ${keys.join('.')}`);
  return cur as Obj;
}

function find(docs: Obj[], kind: string): Obj {
  const d = docs.find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind}`);
  return structuredClone(d);
}

describe('deploy files against their schemas', async () => {
  const skip = await needs(pyyaml);
  let compose: Obj;
  let k8s: Map<string, Obj[]>;
  beforeAll(() => {
    if (skip) return;
    compose = readYaml('docker-compose.yml')[0] ?? {};
    k8s = new Map(K8S_FILES.map((f) => [f, readYaml(f)]));
  });

  it.skipIf(skip)('docker-compose.yml is valid Compose (the specification’s JSON schema)', () => {
    expect(validateCompose(compose)).toEqual([]);
    expect(Object.keys(at(compose, ['services']))).toEqual(['postgres', 'pgbouncer', 'redis', 'app-async', 'app-sync', 'lb', 'prometheus', 'grafana', 'runner']);
  });

  it.skipIf(skip)('Compose: a typo’d field, a wrong type and a bad duration are each rejected', () => {
    const typo = structuredClone(compose);
    const app = at(typo, ['services', 'app-async']);
    app.helthcheck = app.healthcheck;
    delete app.healthcheck;
    expect(validateCompose(typo)).toEqual(['docker-compose.yml/services/app-async: must NOT have additional properties (helthcheck)']);

    const wrongType = structuredClone(compose);
    at(wrongType, ['services', 'postgres', 'healthcheck']).retries = 'ten';
    expect(validateCompose(wrongType)).toEqual(['docker-compose.yml/services/postgres/healthcheck/retries: must be number']);

    const badDuration = structuredClone(compose);
    at(badDuration, ['services', 'postgres', 'healthcheck']).interval = '3 seconds';
    expect(validateCompose(badDuration)).toEqual(['docker-compose.yml/services/postgres/healthcheck/interval: must match format "duration"']);

    const badName = structuredClone(compose);
    badName.name = 'Stampede Demo';
    expect(validateCompose(badName)[0]).toMatch(/^docker-compose\.yml\/name: must match pattern/);
  });

  it.skipIf(skip)('every Kubernetes document is valid (OpenAPI validators; kubernetes-types for unknown fields; the TestRun CRD schema)', async () => {
    const typed: TypedValue[] = [];
    const kinds: string[] = [];
    for (const [file, docs] of k8s) {
      for (const [i, doc] of docs.entries()) {
        kinds.push(`${String(doc.apiVersion)}/${String(doc.kind)}`);
        expect(await validateK8s(doc, `${file}#${i + 1}`, typed)).toEqual([]);
      }
    }
    expect([...new Set(kinds)].sort()).toEqual(['apps/v1/Deployment', 'autoscaling/v2/HorizontalPodAutoscaler', 'k6.io/v1alpha1/TestRun', 'v1/ConfigMap', 'v1/Namespace', 'v1/PersistentVolumeClaim', 'v1/Pod', 'v1/Service']);
    // the TestRun's runner env, volumes and volumeMounts are checked as core types too
    expect(typed.filter((t) => t.where.includes('TestRun') || t.where.startsWith('deploy/k8s/k6-testrun.yaml#3/')).map((t) => t.type)).toEqual(
      expect.arrayContaining(["import('kubernetes-types/core/v1').EnvVar", "import('kubernetes-types/core/v1').Volume", "import('kubernetes-types/core/v1').VolumeMount"]),
    );
    expect(await strictFieldCheck(typed)).toEqual([]);
  }, 120_000);

  it.skipIf(skip)('Kubernetes core kinds: a wrong type fails the OpenAPI validator, a typo’d field fails the strict-field check', async () => {
    const deployment = find(k8s.get('deploy/k8s/target-app.yaml') ?? [], 'Deployment');
    at(deployment, ['spec']).replicas = '2';
    expect(await validateK8s(deployment, 'deployment')).toEqual(['deployment/spec/replicas: must be integer']);

    const hpa = find(k8s.get('deploy/k8s/target-app.yaml') ?? [], 'HorizontalPodAutoscaler');
    at(hpa, ['spec', 'metrics', 0, 'resource', 'target']).averageUtilization = '70%';
    expect(await validateK8s(hpa, 'hpa')).toEqual(['hpa/spec/metrics/0/resource/target/averageUtilization: must be integer']);

    const typo = find(k8s.get('deploy/k8s/target-app.yaml') ?? [], 'Deployment');
    const container = at(typo, ['spec', 'template', 'spec', 'containers', 0]);
    container.imagePullPolicyy = 'IfNotPresent';
    const service = find(k8s.get('deploy/k8s/target-app.yaml') ?? [], 'Service');
    at(service, ['spec']).selectr = { app: 'x' };
    const typed: TypedValue[] = [];
    // the OpenAPI validators let unknown fields through (as the API server does without strict validation) ...
    expect(await validateK8s(typo, 'deployment', typed)).toEqual([]);
    expect(await validateK8s(service, 'service', typed)).toEqual([]);
    // ... the strict-field check does not
    const strict = await strictFieldCheck(typed);
    expect(strict).toHaveLength(2);
    expect(strict[0]).toMatch(/^deployment: TS\d+: .*'imagePullPolicyy'.*Container/);
    expect(strict[1]).toMatch(/^service: TS\d+: .*'selectr'.*ServiceSpec/);

    const wrong = find(k8s.get('deploy/k8s/target-app.yaml') ?? [], 'Deployment');
    at(wrong, ['spec', 'template', 'spec', 'containers', 0]).ports = [{ containerPort: 'http' }];
    const t2: TypedValue[] = [];
    expect(await validateK8s(wrong, 'deployment', t2)).toEqual(['deployment/spec/template/spec/containers/0/ports/0/containerPort: must be integer']);
    expect((await strictFieldCheck(t2)).join('\n')).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);

    expect(await validateK8s({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' } }, 'sts')).toEqual([expect.stringMatching(/^sts: no schema for apps\/v1\/StatefulSet/)]);
  }, 120_000);

  it.skipIf(skip)('the k6-operator TestRun: typo’d fields, wrong types and bad enums are rejected, inside the runner’s core types too', async () => {
    const testRun = () => find(k8s.get('deploy/k8s/k6-testrun.yaml') ?? [], 'TestRun');

    const typo = testRun();
    const spec = at(typo, ['spec']);
    spec.parallelizm = spec.parallelism;
    delete spec.parallelism;
    expect(await validateK8s(typo, 'tr')).toEqual(["tr/spec: must have required property 'parallelism'", 'tr/spec: must NOT have additional properties (parallelizm)']);

    const wrongType = testRun();
    at(wrongType, ['spec']).parallelism = '4';
    expect(await validateK8s(wrongType, 'tr')).toEqual(['tr/spec/parallelism: must be integer']);

    const badEnum = testRun();
    at(badEnum, ['spec']).cleanup = 'always';
    expect(await validateK8s(badEnum, 'tr')).toEqual(['tr/spec/cleanup: must be equal to one of the allowed values (["post"])']);

    const runnerTypo = testRun();
    at(runnerTypo, ['spec', 'runner']).volumeMount = [];
    at(runnerTypo, ['spec', 'script', 'configMap']).fileName = 'x.js';
    expect(await validateK8s(runnerTypo, 'tr')).toEqual(['tr/spec/script/configMap: must NOT have additional properties (fileName)', 'tr/spec/runner: must NOT have additional properties (volumeMount)']);

    // a core type inside the runner: a wrong type (OpenAPI validator) and a typo (strict-field check)
    const inner = testRun();
    at(inner, ['spec', 'runner', 'volumes', 0, 'persistentVolumeClaim']).claimName = 5;
    at(inner, ['spec', 'runner', 'env', 0, 'valueFrom', 'fieldRef']).fieldPth = 'metadata.name';
    const typed: TypedValue[] = [];
    expect(await validateK8s(inner, 'tr', typed)).toEqual(['tr/spec/runner/volumes/0/persistentVolumeClaim/claimName: must be string']);
    expect((await strictFieldCheck(typed)).join('\n')).toMatch(/^tr\/spec\/runner\/env\/0: TS\d+: .*'fieldPth'/m);
  }, 120_000);
});
