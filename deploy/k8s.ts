// Kubernetes manifests: the target app (Deployment + Service + HorizontalPodAutoscaler on CPU and
// requests per second), Postgres and Redis for a demo, and k6 load: a ConfigMap with the script
// from `stampede export k6`, a PersistentVolumeClaim for the runners' --out json files, a
// k6-operator TestRun with parallelism, and a reader Pod to copy the files out for
// `stampede import k6`.
import type { Json } from './yaml.ts';
import { APP_PORT, HEALTH_PATH, METRICS_PATH, READY_PATH, appEnv } from './stack.ts';

export const NAMESPACE = 'stampede';
const ns = { namespace: NAMESPACE };
const appLabels = { 'app.kubernetes.io/name': 'target-app', 'app.kubernetes.io/part-of': 'stampede' };

export function targetApp(): Json[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'target-app', ...ns, labels: appLabels },
      spec: {
        replicas: 2,
        selector: { matchLabels: appLabels },
        template: {
          metadata: { labels: appLabels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(APP_PORT), 'prometheus.io/path': METRICS_PATH } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'stampede/target-app:local',
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: APP_PORT }],
                env: Object.entries(appEnv('async', { host: 'postgres', port: 5432, database: 'shop' }, { host: 'redis', index: 0 })).map(([name, value]) => ({ name, value })),
                // the HPA's CPU utilisation is relative to this request
                resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                readinessProbe: { httpGet: { path: READY_PATH, port: 'http' }, periodSeconds: 2, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: HEALTH_PATH, port: 'http' }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 20 },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'target-app', ...ns, labels: appLabels }, spec: { selector: appLabels, ports: [{ name: 'http', port: APP_PORT, targetPort: 'http' }] } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'target-app', ...ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'target-app' },
        minReplicas: 2,
        maxReplicas: 20,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          // served by prometheus-adapter from rate(http_request_duration_seconds_count[1m]) per pod
          { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '400' } } },
        ],
        behavior: { scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    },
  ];
}

/** A single-pod demo service (its data lives and dies with the pod). */
function demoService(name: string, image: string, port: number, env: Record<string, string>, probe: Json): Json[] {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'stampede' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, ...ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name, image, ports: [{ name: 'main', containerPort: port }], env: Object.entries(env).map(([n, value]) => ({ name: n, value })), readinessProbe: probe }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, ...ns, labels }, spec: { selector: labels, ports: [{ name: 'main', port, targetPort: 'main' }] } },
  ];
}

export function demoData(): Json[] {
  return [
    ...demoService('postgres', 'postgres:16-bookworm', 5432, { POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'shop' }, { exec: { command: ['pg_isready', '-U', 'postgres', '-d', 'shop'] }, periodSeconds: 3 }),
    ...demoService('redis', 'redis:7-bookworm', 6379, {}, { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 3 }),
  ];
}

export const K6_SCRIPT_FILE = 'demo.k6.js';
export const K6_PARALLELISM = 4;

export function k6Load(script: string): Json[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-k6', ...ns, labels: { 'app.kubernetes.io/part-of': 'stampede' } }, data: { [K6_SCRIPT_FILE]: script } },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'k6-results', ...ns },
      // every runner pod writes its own file here: ReadWriteMany (NFS, CephFS, EFS, ...)
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } },
    },
    {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'demo', ...ns },
      spec: {
        parallelism: K6_PARALLELISM,
        script: { configMap: { name: 'demo-k6', file: K6_SCRIPT_FILE } },
        // $(POD_NAME) is expanded by the kubelet: one --out json file per runner pod
        arguments: `-e BASE=http://target-app:${APP_PORT} --out json=/results/$(POD_NAME).json.gz`,
        runner: {
          image: 'grafana/k6:latest',
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: 'k6-results' } }],
          volumeMounts: [{ name: 'results', mountPath: '/results' }],
        },
      },
    },
  ];
}

export function resultsReader(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'k6-results-reader', ...ns },
    spec: {
      containers: [{ name: 'reader', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'results', mountPath: '/results', readOnly: true }] }],
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName: 'k6-results' } }],
      restartPolicy: 'Never',
    },
  };
}
