/**
 * The `k8s` command of fabpay-network: a thin layer over ./write.ts that prints what it wrote,
 * or one JSON document with `--json`.
 */
import type { Command } from 'commander';
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
    .option('--json', 'print the result as JSON')
    .action((opts: { out?: string; withSecrets?: boolean; genesisBlock?: string; json?: boolean }) => {
      const file = topologyFile();
      const result = writeKubernetesChart({
        ...(file ? { topologyFile: file } : {}),
        ...(opts.out ? { out: opts.out } : {}),
        ...(opts.withSecrets ? { withSecrets: true } : {}),
        ...(opts.genesisBlock ? { genesisBlock: opts.genesisBlock } : {}),
      });
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      console.log(`Helm chart written to ${result.chartDir}`);
      for (const [kind, n] of Object.entries(result.counts))
        console.log(`  ${String(n).padStart(3)} ${kind}`);
      console.log(`Images: ${Object.values(result.images).join(', ')}`);
      if (result.secretsFile) {
        console.log(
          `Secrets (${result.secrets.length} the chart references, plus the org admins'): ${result.secretsFile}`,
        );
      } else {
        console.log(
          `The chart references ${result.secrets.length} Secrets it does not contain (listed in its NOTES.txt); --with-secrets writes them from a local network's CA output`,
        );
      }
    });
}
