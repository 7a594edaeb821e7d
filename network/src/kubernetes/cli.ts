/**
 * The `k8s` command of fabpay-network: a thin layer over ./write.ts that prints what it wrote,
 * or one JSON document with `--json`.
 */
import type { Command } from 'commander';
import { validateChart, type ChartValidation } from './validate';
import { writeKubernetesChart } from './write';

/**
 * Adds `k8s` to `program`. `topologyFile` reads the program's `-t, --topology` option when the
 * command runs.
 */
export function registerKubernetesCommands(program: Command, topologyFile: () => string | undefined): void {
  program
    .command('k8s')
    .description(
      'Write a Helm chart of the topology (StatefulSet + headless Service per orderer and peer, a Deployment per chaincode server and CA, PVCs, ConfigMaps; Secrets referenced by name). Nothing is applied to a cluster',
    )
    .option(
      '--out <dir>',
      'output directory (the chart goes to <dir>/fabpay-network); default .fabric/kubernetes',
    )
    .option(
      '--with-secrets',
      "also write <dir>/secrets.yaml from the local network's CA output (private keys, mode 0600)",
    )
    .option(
      '--genesis-block <file>',
      "ship this channel genesis block in the chart's channel-genesis ConfigMap",
    )
    .option(
      '--validate',
      'then run helm lint --strict, helm template and kubeconform -strict on it (the tools npm run setup installs)',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        out?: string;
        withSecrets?: boolean;
        genesisBlock?: string;
        validate?: boolean;
        json?: boolean;
      }) => {
        const file = topologyFile();
        const result = writeKubernetesChart({
          ...(file ? { topologyFile: file } : {}),
          ...(opts.out ? { out: opts.out } : {}),
          ...(opts.withSecrets ? { withSecrets: true } : {}),
          ...(opts.genesisBlock ? { genesisBlock: opts.genesisBlock } : {}),
        });
        let validation: Omit<ChartValidation, 'rendered'> | undefined;
        if (opts.validate) {
          const { rendered: _rendered, ...rest } = await validateChart(result.chartDir, {
            ...(result.secretsFile ? { extraManifests: [result.secretsFile] } : {}),
          });
          validation = rest;
        }
        if (opts.json) return console.log(JSON.stringify({ ...result, validation }, null, 2));
        console.log(`Helm chart written to ${result.chartDir}`);
        for (const [kind, n] of Object.entries(result.counts))
          console.log(`  ${String(n).padStart(3)} ${kind}`);
        console.log(`Images: ${Object.values(result.images).join(', ')}`);
        console.log(
          `The chaincode image's Dockerfile (not built; build it from the repository root): ${result.chaincodeDockerfile}`,
        );
        if (result.secretsFile) {
          console.log(
            `Secrets (${result.secrets.length} the chart references, plus the org admins'): ${result.secretsFile}`,
          );
        } else {
          console.log(
            `The chart references ${result.secrets.length} Secrets it does not contain (listed in its NOTES.txt); --with-secrets writes them from a local network's CA output`,
          );
        }
        if (validation) {
          for (const v of [validation.lint, validation.kubeconform])
            console.log(`$ ${v.command}\n${v.output}`);
          console.log(
            `Validated with helm ${validation.tools.helmVersion} and kubeconform ${validation.tools.kubeconformVersion} against the Kubernetes ${validation.tools.kubernetesVersion} schemas; nothing was applied to a cluster`,
          );
        }
      },
    );
}
