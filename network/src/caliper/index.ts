/**
 * `fabpay-network caliper`: Caliper workspaces for the running network (./workspace), their
 * accounts opened and funded (./funding), and optionally Caliper 0.6.0 installed, bound and run on
 * one of them (./launch).
 */
import { runningPid } from '@fabpay/topology';
import type { NetworkContext } from '../context';
import { peersOf } from '../context';
import { DEFAULT_FUNDING, fundCaliperAccounts, type FundingResult } from './funding';
import { installCaliper, launchCaliper, type CaliperSummary } from './launch';
import {
  caliperWorkspace,
  DEFAULT_CALIPER_SETTINGS,
  writeCaliperWorkspaces,
  type CaliperSettings,
  type CaliperWorkspace,
} from './workspace';

export * from './pay-args';
export * from './workspace';
export * from './funding';
export * from './launch';

/** Nothing to benchmark: the topology's network (or part of it) is not running. */
export class NetworkNotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkNotRunningError';
  }
}

/** Refuses unless every orderer and every peer of the topology has a running process. */
export function requireRunningNetwork(ctx: NetworkContext): void {
  const stopped = ctx.nodes.filter((n) => runningPid(n.process) === undefined).map((n) => n.host);
  if (stopped.length === ctx.nodes.length) {
    throw new NetworkNotRunningError(
      `no network is running for topology ${ctx.topology.name} (state in ${ctx.layout.root}): start it with \`fabpay-network up\` (same -t and FABPAY_HOME)`,
    );
  }
  if (stopped.length > 0) {
    throw new NetworkNotRunningError(
      `the network is only partly running (${stopped.join(', ')} stopped): run \`fabpay-network up\` to resume it`,
    );
  }
}

export interface CaliperOptions {
  /** The org whose workspace is funded (and run); default the topology's first org. */
  org?: string;
  settings?: CaliperSettings;
  /** Skip opening and funding the accounts. */
  skipFunding?: boolean;
  /** Install, bind and run Caliper on the org's workspace. */
  launch?: boolean;
}

export interface CaliperResult {
  workspaces: CaliperWorkspace[];
  workspace: CaliperWorkspace;
  funding?: FundingResult;
  summary?: CaliperSummary;
}

/**
 * Writes every org's Caliper workspace, funds the chosen org's accounts and, with `launch`, runs
 * Caliper on it. Needs the running network (refused clearly otherwise).
 */
export async function caliper(ctx: NetworkContext, opts: CaliperOptions = {}): Promise<CaliperResult> {
  const settings = opts.settings ?? DEFAULT_CALIPER_SETTINGS;
  const org = opts.org ?? ctx.topology.orgs[0]!.name;
  const workspace = caliperWorkspace(ctx, org, settings);
  requireRunningNetwork(ctx);
  if (peersOf(ctx, workspace.org).length === 0) {
    throw new NetworkNotRunningError(`${workspace.org} has no peers`);
  }
  const workspaces = writeCaliperWorkspaces(ctx, settings);
  for (const ws of workspaces) ctx.progress(`caliper: workspace ${ws.dir}`);
  const result: CaliperResult = { workspaces, workspace };
  if (!opts.skipFunding) {
    const funding = await fundCaliperAccounts(ctx, workspace, {
      ...DEFAULT_FUNDING,
      currency: settings.currency,
    });
    ctx.progress(
      `caliper: ${workspace.org}'s ${workspace.accounts.length} accounts ready in ${funding.seconds.toFixed(1)}s (opened ${funding.opened.length}, funded ${funding.funded.length})`,
    );
    result.funding = funding;
  }
  if (opts.launch) {
    const dir = await installCaliper(ctx.progress);
    ctx.progress(
      `caliper: caliper launch manager on ${workspace.dir} (${settings.workers} workers; rounds of ${settings.fixedRate.txNumber} and ${settings.fixedLoad.txNumber} payments)`,
    );
    result.summary = await launchCaliper(workspace, dir, settings.timeoutSeconds);
  }
  return result;
}
