/**
 * `fabpay-network org add|remove`: the CLI over {@link addOrg} and {@link removeOrg}.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '@fabpay/topology';
import { addOrg, parseOrgUser, removeOrg, type OrgMembershipResult } from './orgs';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function printResult(r: OrgMembershipResult): void {
  const what = r.changed.length
    ? `changed: ${r.changed.join(', ')}`
    : 'nothing to change, it was done already';
  console.log(`${r.org} (${r.mspId}) ${r.action} in ${r.seconds.toFixed(1)}s; ${what}`);
  if (r.chaincode) console.log(`Chaincode ${r.chaincode.version} at sequence ${r.chaincode.sequence}`);
  console.log(
    `Payments governance version ${r.governance.version}: members ${r.governance.members.join(', ')}`,
  );
}

/** Adds the `org` command group to the fabpay-network program. */
export function registerOrgCommands(program: Command, topologyFile: () => string | undefined): void {
  const file = (): string => topologyFile() ?? path.join(repoRoot(), 'topology.yaml');
  const say = (json?: boolean) => (line: string) => {
    if (!json) console.log(line);
  };
  const org = program
    .command('org')
    .description('Organisations join and leave the running network (the topology file records it)');

  org
    .command('add <name>')
    .description(
      "Add a peer organisation to the running network: its CAs and identities, its MSP in the channel (signed by a majority of the members' admins), its peers joined, the chaincode on them and redefined (sequence + 1), payments governance membership by proposal; idempotent",
    )
    .option('--msp-id <id>', 'its MSP ID (default <name>MSP)')
    .option('--peers <n>', 'how many peers (default 1)', '1')
    .option(
      '--user <name[:attr=value,...]>',
      'a client user to enroll, with certificate attributes (e.g. erin:payments.role=issuer); repeatable',
      collect,
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (name: string, opts: { mspId?: string; peers: string; user?: string[]; json?: boolean }) => {
        const peers = Number(opts.peers);
        const result = await addOrg(name, {
          topologyFile: file(),
          progress: say(opts.json),
          peers,
          ...(opts.mspId ? { mspId: opts.mspId } : {}),
          users: (opts.user ?? []).map(parseOrgUser),
        });
        if (opts.json) return console.log(JSON.stringify(result, null, 2));
        printResult(result);
      },
    );

  org
    .command('remove <name>')
    .description(
      'Remove an organisation from the running network: out of the payments governance (its identities are refused, its accounts take and give no money), its MSP out of the channel, its processes stopped; its accounts stay on the ledger and readable; idempotent',
    )
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const result = await removeOrg(name, { topologyFile: file(), progress: say(opts.json) });
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      printResult(result);
    });
}
