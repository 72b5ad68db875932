// The k6-operator TestRun (k6.io/v1alpha1) as a zod schema: the one definition
// the rendered manifests, `loadgate k8s render` and `loadgate k8s run` check
// against. Fields and their Go types follow grafana/k6-operator's
// api/v1alpha1/testrun_types.go (TestRunSpec, Pod, K6Script, TestRunStatus)
// and docs/crd-generated.md; the Kubernetes types nested in it (env,
// resources, security contexts, volumes…) are checked by kubernetes-models,
// the same schemas the built-in kinds are validated with.
//
// The spec is strict: it is what we author, so an unknown key is a typo the
// operator would silently ignore (`paralelism`). The status is what the
// operator writes, read loosely so a newer operator's extra fields pass.
import { z } from 'zod';
import { Affinity } from 'kubernetes-models/v1/Affinity';
import { ContainerPort } from 'kubernetes-models/v1/ContainerPort';
import { EnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import { EnvVar } from 'kubernetes-models/v1/EnvVar';
import { LocalObjectReference } from 'kubernetes-models/v1/LocalObjectReference';
import { PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import { Probe } from 'kubernetes-models/v1/Probe';
import { ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { SecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { Toleration } from 'kubernetes-models/v1/Toleration';
import { TopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import { Volume } from 'kubernetes-models/v1/Volume';
import { VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { InputError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';

export const TESTRUN_API_VERSION = 'k6.io/v1alpha1';

/** `status.stage`: the operator's lifecycle, in order; `error` can follow any of them. */
export const TESTRUN_STAGES = [
  'initialization',
  'initialized',
  'created',
  'started',
  'stopped',
  'finished',
  'error',
] as const;
export const TestRunStage = z.enum(TESTRUN_STAGES);
export type TestRunStage = z.infer<typeof TestRunStage>;

/** A Kubernetes type nested in the CRD, validated by its kubernetes-models class. */
function core<T extends object>(Model: new (data?: T) => { validate(): void }) {
  return z
    .custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
    .check((ctx) => {
      try {
        new Model(ctx.value).validate();
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: ctx.value });
      }
    });
}

const StringMap = z.record(z.string(), z.string());
// Go's strconv.ParseBool reads these fields; we write only the two canonical spellings.
const BoolString = z.enum(['true', 'false']);
// Job names are `<name>-initializer`, `<name>-starter`, `<name>-<i>` and Services
// `<name>-service-<i>`; Kubernetes copies a Job's name into its pods' `job-name`
// label, at most 63 characters. 51 leaves room for the longest suffix.
const TESTRUN_NAME_MAX = 51;
export const DnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const PodMetadata = z.strictObject({
  annotations: StringMap.optional(),
  labels: StringMap.optional(),
});

const InitContainer = z.strictObject({
  name: z.string().optional(),
  image: z.string().optional(),
  env: z.array(core(EnvVar)).optional(),
  envFrom: z.array(core(EnvFromSource)).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  volumeMounts: z.array(core(VolumeMount)).optional(),
  resources: core(ResourceRequirements).optional(),
  restartPolicy: z.string().optional(),
});

/** Runner, starter and initializer pods share this shape (testrun_types.go `Pod`). */
export const TestRunPod = z.strictObject({
  /** Initializer only: skip the `k6 inspect` pod. */
  disabled: z.boolean().optional(),
  affinity: core(Affinity).optional(),
  automountServiceAccountToken: BoolString.optional(),
  env: z.array(core(EnvVar)).optional(),
  image: z.string().min(1).optional(),
  imagePullSecrets: z.array(core(LocalObjectReference)).optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  metadata: PodMetadata.optional(),
  nodeSelector: StringMap.optional(),
  tolerations: z.array(core(Toleration)).optional(),
  topologySpreadConstraints: z.array(core(TopologySpreadConstraint)).optional(),
  resources: core(ResourceRequirements).optional(),
  serviceAccountName: z.string().optional(),
  /** The pod's security context (runAsNonRoot, seccompProfile, fsGroup…). */
  securityContext: core(PodSecurityContext).optional(),
  /** The k6 container's security context (readOnlyRootFilesystem, capabilities…). */
  containerSecurityContext: core(SecurityContext).optional(),
  envFrom: z.array(core(EnvFromSource)).optional(),
  readinessProbe: core(Probe).optional(),
  livenessProbe: core(Probe).optional(),
  initContainers: z.array(InitContainer).optional(),
  volumes: z.array(core(Volume)).optional(),
  volumeMounts: z.array(core(VolumeMount)).optional(),
  priorityClassName: z.string().optional(),
  schedulerName: z.string().optional(),
});
export type TestRunPod = z.infer<typeof TestRunPod>;

/** Where the script is: exactly one of the three (the operator silently takes the first it finds). */
export const TestRunScript = z
  .strictObject({
    configMap: z
      .strictObject({
        name: z.string().min(1),
        // A key of the ConfigMap, mounted under /test/: a file name, no path.
        file: z
          .string()
          .regex(/^[^/]+$/, 'a key of the ConfigMap, without a path')
          .optional(),
      })
      .optional(),
    volumeClaim: z
      .strictObject({
        name: z.string().min(1),
        file: z.string().optional(),
        readOnly: z.boolean().optional(),
      })
      .optional(),
    /** A path inside the runner image. */
    localFile: z.string().min(1).optional(),
  })
  .refine(
    (s) => [s.configMap, s.volumeClaim, s.localFile].filter((x) => x !== undefined).length === 1,
    'exactly one of configMap, volumeClaim, localFile',
  );

const Scuttle = z.strictObject({
  enabled: BoolString.optional(),
  envoyAdminApi: z.string().optional(),
  neverKillIstio: z.boolean().optional(),
  neverKillIstioOnFailure: z.boolean().optional(),
  disableLogging: z.boolean().optional(),
  startWithoutEnvoy: z.boolean().optional(),
  waitForEnvoyTimeout: z.string().optional(),
  istioQuitApi: z.string().optional(),
  genericQuitEndpoint: z.string().optional(),
  quitWithoutEnvoyTimeout: z.string().optional(),
});

export const TestRunSpec = z.strictObject({
  script: TestRunScript,
  /** Number of k6 runner pods; each gets an equal execution segment. */
  parallelism: z
    .int()
    .min(1)
    .max(2 ** 31 - 1),
  /** Runner pods on distinct nodes (a required podAntiAffinity on kubernetes.io/hostname). */
  separate: z.boolean().optional(),
  /** Appended to `k6 run`, e.g. `-o experimental-prometheus-rw --tag testid=…`. */
  arguments: z.string().optional(),
  ports: z.array(core(ContainerPort)).optional(),
  /** Defaults to the runner's settings when omitted. */
  initializer: TestRunPod.optional(),
  starter: TestRunPod.optional(),
  runner: TestRunPod.optional(),
  /** Default "true": k6 runs with --quiet. */
  quiet: BoolString.optional(),
  /** Default "true": runners start paused and the starter resumes them together. */
  paused: BoolString.optional(),
  scuttle: Scuttle.optional(),
  /** `post`: the operator deletes the TestRun and its jobs once it finished. */
  cleanup: z.literal('post').optional(),
  cloud: z
    .strictObject({
      token: z.string().optional(),
      testRunId: z.string().optional(),
      stream: z.boolean().optional(),
    })
    .optional(),
  /** Reserved by Grafana Cloud k6. */
  testRunId: z.string().optional(),
  /** Reserved by Grafana Cloud k6. */
  token: z.string().optional(),
});
export type TestRunSpec = z.infer<typeof TestRunSpec>;

export const TestRunStatus = z.looseObject({
  stage: TestRunStage.optional(),
  testRunId: z.string().optional(),
  aggregationVars: z.string().optional(),
  conditions: z
    .array(
      z.looseObject({
        type: z.string(),
        status: z.enum(['True', 'False', 'Unknown']),
        reason: z.string().optional(),
        message: z.string().optional(),
        lastTransitionTime: z.string().optional(),
      }),
    )
    .optional(),
});
export type TestRunStatus = z.infer<typeof TestRunStatus>;

const Metadata = z.looseObject({
  name: z
    .string()
    .max(TESTRUN_NAME_MAX, `at most ${TESTRUN_NAME_MAX} characters (its pods' job-name label)`)
    .regex(DnsLabel, 'a DNS-1123 label: lower-case letters, digits and -'),
  namespace: z.string().regex(DnsLabel).optional(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
});

/** A TestRun as written to the cluster (what the manifests and `loadgate k8s render` produce). */
export const TestRun = z.strictObject({
  apiVersion: z.literal(TESTRUN_API_VERSION),
  kind: z.literal('TestRun'),
  metadata: Metadata,
  spec: TestRunSpec,
  status: TestRunStatus.optional(),
});
export type TestRun = z.infer<typeof TestRun>;

/** A TestRun as read back from the API server: only what a watcher needs, the rest kept as is. */
export const ObservedTestRun = z.looseObject({
  apiVersion: z.literal(TESTRUN_API_VERSION),
  kind: z.literal('TestRun'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  status: TestRunStatus.optional(),
});
export type ObservedTestRun = z.infer<typeof ObservedTestRun>;

/** `value` as a TestRun, or an InputError listing every problem with its path under `where`. */
export function parseTestRun(value: unknown, where: string): TestRun {
  const result = TestRun.safeParse(value);
  if (!result.success)
    throw new InputError(
      `${where} is not a valid TestRun:\n${formatZodIssues(result.error.issues)}`,
    );
  return result.data;
}
