/**
 * The `orderer` command group of fabpay-network: `orderer add [name]` and `orderer remove <name>`.
 * A thin layer over ./orderers.ts: progress lines as each step runs, then one summary line with
 * the total time, or one JSON document with `--json`.
 */
import type { Command } from 'commander';
import {
  addOrderer,
  removeOrderer,
  type OrdererMembershipOptions,
  type OrdererMembershipResult,
} from './orderers';

function summary(r: OrdererMembershipResult): string {
  const cluster = `consenters ${r.consenters.join(', ')}; leader ${r.leader ?? 'none'}`;
  switch (r.action) {
    case 'nothing':
      return `Nothing to do: ${r.reason ?? 'already done'} (${cluster}); checked in ${r.seconds.toFixed(1)}s`;
    case 'added':
      return `${r.host} joined the Raft cluster in ${r.seconds.toFixed(1)}s (${cluster})`;
    case 'removed':
      return `${r.host} left the Raft cluster in ${r.seconds.toFixed(1)}s; its process is stopped and its data kept (${cluster})`;
  }
}

/**
 * Adds the `orderer` command group to `program`. `topologyFile` reads the program's
 * `-t, --topology` option when a command runs.
 */
export function registerOrdererCommands(program: Command, topologyFile: () => string | undefined): void {
  const options = (json: boolean | undefined): OrdererMembershipOptions => {
    const file = topologyFile();
    return {
      ...(file ? { topologyFile: file } : {}),
      progress: (line) => {
        if (!json) console.log(line);
      },
    };
  };
  const print = (r: OrdererMembershipResult, json: boolean | undefined): void => {
    if (json) return console.log(JSON.stringify(r, null, 2));
    for (const w of r.warnings) console.log(`warning: ${w}`);
    console.log(summary(r));
  };
  const group = program
    .command('orderer')
    .description('Raft orderers join and leave the running channel (the topology file records it)');
  group
    .command('add [name]')
    .description(
      'Add a Raft orderer (the next, orderer<ordererOrg.orderers>): enroll it, start it, add it to the consenter set and OrdererEndpoints, join it with the latest config block, wait until it caught up. Finishes an interrupted add first; `add <name>` of a joined consenter does nothing',
    )
    .option('--json', 'print the result as JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      print(await addOrderer({ ...options(opts.json), ...(name ? { name } : {}) }), opts.json);
    });
  group
    .command('remove <name>')
    .description(
      'Remove a Raft orderer (e.g. orderer0, also the leader): out of the consenter set and OrdererEndpoints, recorded in ordererOrg.removed, process stopped, data kept. Refuses (changing nothing) when the cluster would lose its quorum',
    )
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      print(await removeOrderer(name, options(opts.json)), opts.json);
    });
}
