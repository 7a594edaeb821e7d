/** The Kubernetes chart of a topology (`fabpay-network k8s`) and the tools that validate it. */
export {
  generateChart,
  serviceHost,
  CHART_NAME,
  type Chart,
  type ChartObject,
  type ChartOptions,
} from './chart';
export {
  writeKubernetesChart,
  defaultKubernetesDir,
  SampleConfigMissingError,
  type WriteChartOptions,
  type WriteChartResult,
} from './write';
export { secretManifests, secretsYaml, SecretSourceError, type SecretManifest } from './secrets';
export * from './names';
export { clusterEnv, KubernetesConfigError, MOUNTS } from './env';
export {
  validateChart,
  chartTools,
  ChartValidationError,
  KubernetesToolsMissingError,
  type ChartTools,
  type ChartValidation,
  type ValidatorRun,
} from './validate';
export { kubeconformSchemas, schemaFileName, type SwaggerDocument } from './schemas';
export { registerKubernetesCommands } from './cli';
