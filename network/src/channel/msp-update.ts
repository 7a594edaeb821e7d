/**
 * Sends an organisation's current CRLs to the live channel as a config update, so that peers and
 * orderers refuse identities the org's CA has revoked. The CA library puts a new CRL into the
 * org's channel MSP folder (`crls/`); a running channel only learns of it through its config.
 * The org's MSP value is governed by the org's own Admins policy, so its admin alone signs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NetworkContext } from '../context';
import { updateChannelConfig } from './config-update';

/** What a CRL push did. */
export interface MspUpdateResult {
  org: string;
  mspId: string;
  /** CRLs now in the channel config for the org. */
  crls: number;
  /** False when the channel already had exactly these CRLs. */
  changed: boolean;
}

/** The org's CRLs (PEM files in its channel MSP's crls/), base64-encoded as the MSP config holds them. */
function orgCrls(ctx: NetworkContext, org: string): string[] {
  const dir = path.join(ctx.caPaths.org(org).channelMsp, 'crls');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f)).toString('base64'));
}

/** Pushes `org`'s CRLs into the channel configuration. */
export async function pushOrgCrls(ctx: NetworkContext, org: string): Promise<MspUpdateResult> {
  const orgPaths = ctx.caPaths.org(org);
  const crls = orgCrls(ctx, org);
  const section = orgPaths.kind === 'orderer' ? 'Orderer' : 'Application';
  const changed = await updateChannelConfig(ctx, {
    what: `${org} publishes ${crls.length} CRL(s)`,
    signers: [org],
    edit: (config) => {
      const msp = config.channel_group.groups[section]?.groups[orgPaths.mspId]?.values.MSP?.value.config as
        { revocation_list?: string[] } | undefined;
      if (!msp) throw new Error(`the channel config has no MSP for ${orgPaths.mspId}`);
      if (JSON.stringify([...(msp.revocation_list ?? [])].sort()) === JSON.stringify(crls)) return false;
      msp.revocation_list = crls;
      return true;
    },
  });
  return { org, mspId: orgPaths.mspId, crls: crls.length, changed };
}
