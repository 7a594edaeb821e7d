/**
 * The `snapshot` and `peer add` commands of fabpay-network (thin: the work is in snapshots.ts and
 * peers.ts). cli.ts calls {@link registerPeerCommands} once.
 */
import type { Command } from 'commander';
import { addPeer } from './peers';
import { takeSnapshot } from './snapshots';

const say = (json: boolean | undefined) => (line: string) => {
  if (!json) console.log(line);
};

/** Adds `snapshot <peer>` and `peer add` to the program; `topologyFile` reads its `-t` option. */
export function registerPeerCommands(program: Command, topologyFile: () => string | undefined): void {
  program
    .command('snapshot <peer>')
    .description(
      "Take a ledger snapshot of the channel on a peer (peer0.org1.example.com or peer0.org1) at its current height and wait until it is written; reuses a completed one at that height. Prints the snapshot's directory, for `peer add --from-snapshot`",
    )
    .option('--json', 'print the result as JSON')
    .action(async (peer: string, opts: { json?: boolean }) => {
      const r = await takeSnapshot({ topologyFile: topologyFile(), peer, progress: say(opts.json) });
      if (opts.json) return console.log(JSON.stringify(r, null, 2));
      console.log(
        `${r.reused ? 'Snapshot already there' : 'Snapshot taken'} in ${r.seconds.toFixed(1)}s: ${r.channel} on ${r.peer}, block ${r.blockNumber} (height ${r.height})`,
      );
      console.log(r.dir);
    });

  const peer = program.command('peer').description('Peers of the running network');
  peer
    .command('add')
    .description(
      "Add a peer to an organisation of the running network: topology (orgs[].peers + 1), identities from the org's CA, the peer and its own chaincode server, channel join from the genesis block or a ledger snapshot, catch-up. Rerun after an interruption, it finishes the same peer",
    )
    .requiredOption('--org <org>', 'the organisation (name or MSP ID)')
    .option(
      '--from-snapshot <dir>',
      'join from this completed snapshot of the channel (`fabpay-network snapshot` prints one)',
    )
    .option(
      '--peer <name>',
      'the peer to add or finish, e.g. peer2 (default: an unfinished one, else the next number); with it, a second run changes nothing',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { org: string; fromSnapshot?: string; peer?: string; json?: boolean }) => {
      const r = await addPeer({
        topologyFile: topologyFile(),
        org: opts.org,
        ...(opts.fromSnapshot !== undefined ? { fromSnapshot: opts.fromSnapshot } : {}),
        ...(opts.peer !== undefined ? { peer: opts.peer } : {}),
        progress: say(opts.json),
      });
      if (opts.json) return console.log(JSON.stringify(r, null, 2));
      const how =
        r.joined === 'snapshot'
          ? `joined from the snapshot of block ${r.snapshot!.blockNumber}`
          : r.joined === 'genesis'
            ? 'joined from the genesis block'
            : 'already on the channel';
      console.log(
        `${r.peer} ready in ${r.seconds.toFixed(1)}s: ${how}, height ${r.heights.atJoin} -> ${r.heights.reached} in ${r.catchUpSeconds.toFixed(1)}s; chaincode ${r.packageId}`,
      );
    });
}
