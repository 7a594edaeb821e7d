/**
 * Sends an organisation's current CRLs to the live channel as a config update, so that peers and
 * orderers refuse identities the org's CA has revoked. The CA library puts a new CRL into the
 * org's channel MSP folder (`crls/`); a running channel only learns of it through its config.
 *
 * The update is the standard flow: fetch the config block, decode it with configtxlator, set the
 * org's MSP `revocation_list`, compute the update, wrap it in an envelope and submit it signed by
 * the org's admin (the org's MSP value is governed by its own Admins policy).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import { ordererFlags, peerCli } from '../admin-cli';
import { peersOf, runningOrderer, type NetworkContext } from '../context';
import { run } from '../util/run';

/** What a CRL push did. */
export interface MspUpdateResult {
  org: string;
  mspId: string;
  /** CRLs now in the channel config for the org. */
  crls: number;
  /** False when the channel already had exactly these CRLs. */
  changed: boolean;
}

type Json = Record<string, unknown>;

/** The org's CRLs (PEM files in its channel MSP's crls/), base64-encoded as the MSP config holds them. */
function orgCrls(ctx: NetworkContext, org: string): string[] {
  const dir = path.join(ctx.caPaths.org(org).channelMsp, 'crls');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f)).toString('base64'));
}

async function lator(args: string[]): Promise<void> {
  await run(binaryPath('configtxlator'), args);
}

/** Pushes `org`'s CRLs into the channel configuration. */
export async function pushOrgCrls(ctx: NetworkContext, org: string): Promise<MspUpdateResult> {
  const orgPaths = ctx.caPaths.org(org);
  const peer = peersOf(ctx, org)[0];
  if (!peer) throw new Error(`${org} has no peer to submit the config update through`);
  const channel = ctx.topology.channel.name;
  const crls = orgCrls(ctx, org);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-msp-update-'));
  const f = (name: string) => path.join(tmp, name);
  try {
    const orderer = ordererFlags(runningOrderer(ctx));
    await peerCli(ctx.layout, orgPaths, peer, [
      'channel',
      'fetch',
      'config',
      f('block.pb'),
      '-c',
      channel,
      ...orderer,
    ]);
    await lator([
      'proto_decode',
      '--input',
      f('block.pb'),
      '--type',
      'common.Block',
      '--output',
      f('block.json'),
    ]);
    const block = JSON.parse(readFileSync(f('block.json'), 'utf8')) as {
      data: { data: { payload: { data: { config: Json } } }[] };
    };
    const config = block.data.data[0]!.payload.data.config;
    writeFileSync(f('original.json'), JSON.stringify(config));

    const section = orgPaths.kind === 'orderer' ? 'Orderer' : 'Application';
    const groups = (config as { channel_group: { groups: Record<string, { groups: Record<string, Json> }> } })
      .channel_group.groups[section]!.groups;
    const mspValue = (
      groups[orgPaths.mspId] as { values: { MSP: { value: { config: { revocation_list?: string[] } } } } }
    ).values.MSP.value.config;
    const current = [...(mspValue.revocation_list ?? [])].sort();
    if (JSON.stringify(current) === JSON.stringify(crls)) {
      return { org, mspId: orgPaths.mspId, crls: crls.length, changed: false };
    }
    mspValue.revocation_list = crls;
    writeFileSync(f('updated.json'), JSON.stringify(config));

    await lator([
      'proto_encode',
      '--input',
      f('original.json'),
      '--type',
      'common.Config',
      '--output',
      f('original.pb'),
    ]);
    await lator([
      'proto_encode',
      '--input',
      f('updated.json'),
      '--type',
      'common.Config',
      '--output',
      f('updated.pb'),
    ]);
    await lator([
      'compute_update',
      '--channel_id',
      channel,
      '--original',
      f('original.pb'),
      '--updated',
      f('updated.pb'),
      '--output',
      f('update.pb'),
    ]);
    await lator([
      'proto_decode',
      '--input',
      f('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      f('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: JSON.parse(readFileSync(f('update.json'), 'utf8')) as Json },
      },
    };
    writeFileSync(f('envelope.json'), JSON.stringify(envelope));
    await lator([
      'proto_encode',
      '--input',
      f('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      f('envelope.pb'),
    ]);
    ctx.progress(`channel ${channel}: ${org} publishes ${crls.length} CRL(s)`);
    await peerCli(ctx.layout, orgPaths, peer, [
      'channel',
      'update',
      '-f',
      f('envelope.pb'),
      '-c',
      channel,
      ...orderer,
    ]);
    return { org, mspId: orgPaths.mspId, crls: crls.length, changed: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
