/**
 * The payments governance on the live ledger: written once at network creation (genesis, by the
 * first organisation's admin, endorsed by every organisation's chaincode server configured with
 * the same genesis digest), then changed only by proposals that a majority of member
 * organisations' admins approve. On the local dev network every org admin's credentials exist, so
 * {@link changeGovernanceOn} can play all of them.
 */
import { randomBytes } from 'node:crypto';
import type { GovernanceProposal } from '@fabpay/chaincode';
import type { NetworkContext } from '../context';
import { ChaincodeCallError, evaluate, orgAdmin, submit } from '../chaincode/calls';
import { waitFor } from '../util/wait';
import {
  canonicalJson,
  describeChanges,
  networkGenesis,
  normaliseTerms,
  sameTerms,
  termDifferences,
  termsOf,
  type Governance,
  type GovernanceTerms,
} from './terms';

/** The effective governance, or undefined before genesis (GOVERNANCE_NOT_SET). */
export async function readGovernance(ctx: NetworkContext, org?: string): Promise<Governance | undefined> {
  const caller = orgAdmin(ctx, org ?? ctx.topology.orgs[0]!.name);
  try {
    return await evaluate<Governance>(ctx, caller, 'getGovernance', []);
  } catch (e) {
    if (e instanceof ChaincodeCallError && e.code === 'GOVERNANCE_NOT_SET') return undefined;
    throw e;
  }
}

/** The effective governance; says how to create it when there is none. */
export async function requireGovernance(ctx: NetworkContext): Promise<Governance> {
  const g = await readGovernance(ctx);
  if (!g) {
    throw new Error(
      'the payments governance is not set on this network: `fabpay-network up` writes it (step "payments governance")',
    );
  }
  return g;
}

/** What the `up` step did. */
export interface GovernanceStep {
  /** `initialized`: genesis written now; `present`: the ledger already had governance. */
  action: 'initialized' | 'present';
  governance: Governance;
  /** When present: whether the ledger's terms differ from the topology's governance section. */
  differs: boolean;
}

/**
 * Writes the genesis governance if the ledger has none, and checks it on a peer of every
 * organisation. Does nothing when governance exists (notes a difference from the genesis: those
 * changes went through proposals). The genesis is the one recorded when the network was created,
 * else the topology's. `source` names the topology in errors.
 */
export async function ensureGovernance(ctx: NetworkContext, source?: string): Promise<GovernanceStep> {
  const genesis = networkGenesis(ctx.layout, ctx.topology, source);
  const first = ctx.topology.orgs[0]!.name;
  const existing = await readGovernance(ctx);
  if (existing) {
    const differs = !sameTerms(existing, genesis);
    if (differs) {
      ctx.progress(
        `governance: the ledger's governance (version ${existing.version}) differs from the genesis terms the network was created with; ` +
          'the topology only states the genesis, changes go through proposals (`governance set`, `org add`, `org remove`):',
      );
      for (const d of termDifferences(existing, genesis)) {
        ctx.progress(`  ${d.field}: ledger ${d.a}, genesis ${d.b}`);
      }
    } else {
      ctx.progress(`governance: present (version ${existing.version})`);
    }
    return { action: 'present', governance: existing, differs };
  }
  ctx.progress(`governance: ${first} admin writes the genesis terms (initGovernance)`);
  await submit(ctx, orgAdmin(ctx, first), 'initGovernance', [canonicalJson(genesis)]);
  const governance = await waitForGovernance(ctx, 1, genesis);
  return { action: 'initialized', governance, differs: false };
}

/** Waits until a peer of every organisation answers governance `version` with `terms`. */
async function waitForGovernance(
  ctx: NetworkContext,
  version: number,
  terms: GovernanceTerms,
): Promise<Governance> {
  let found: Governance | undefined;
  for (const org of ctx.topology.orgs) {
    let last = '';
    found = await waitFor(
      `governance version ${version} on ${org.name}'s peer`,
      async () => {
        const g = await readGovernance(ctx, org.name).catch((e: unknown) => {
          last = (e as Error).message;
          return undefined;
        });
        if (!g) return undefined;
        last = `version ${g.version}`;
        if (g.version < version) return undefined;
        if (g.version !== version || !sameTerms(g, terms)) {
          throw new Error(
            `${org.name}'s peer answers governance version ${g.version} with terms ${canonicalJson(termsOf(g))}, not version ${version} with ${canonicalJson(terms)}`,
          );
        }
        return g;
      },
      { timeoutMs: 30_000, intervalMs: 500, describeLast: () => last },
    );
  }
  return found!;
}

/** A proposal ID for a change made from this tool: unique, and valid as a chaincode ID. */
export function newProposalId(): string {
  return `net-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface ChangeGovernanceOptions {
  /** Proposal ID (default: generated). */
  proposalId?: string;
}

/**
 * Changes the governance to `terms` (complete terms, MSP IDs): the first organisation's admin
 * proposes them, then the admins of the other member organisations approve in topology order
 * until the chaincode applies the change (a majority of the current members). Returns the new
 * governance; when the ledger already has these terms nothing is proposed and the current
 * governance is returned.
 */
export async function changeGovernanceOn(
  ctx: NetworkContext,
  terms: GovernanceTerms,
  opts: ChangeGovernanceOptions = {},
): Promise<Governance> {
  const wanted = normaliseTerms(termsOf(terms));
  const current = await requireGovernance(ctx);
  if (sameTerms(current, wanted)) {
    ctx.progress(`governance: unchanged, the ledger already has these terms (version ${current.version})`);
    return current;
  }
  const members = ctx.topology.orgs.filter((o) => current.members.includes(o.mspId));
  const proposer = members[0];
  if (!proposer) {
    throw new Error(
      `no organisation of the topology is a governance member (members: ${current.members.join(', ')})`,
    );
  }
  const proposalId = opts.proposalId ?? newProposalId();
  for (const line of describeChanges(current, wanted)) ctx.progress(`governance: ${line}`);
  ctx.progress(
    `governance: ${proposer.name} admin proposes ${proposalId} on version ${current.version} (${current.members.length} members, ${Math.floor(current.members.length / 2) + 1} needed)`,
  );
  await submit(ctx, orgAdmin(ctx, proposer.name), 'proposeGovernance', [proposalId, canonicalJson(wanted)]);
  const proposal = (): Promise<GovernanceProposal> =>
    evaluate<GovernanceProposal>(ctx, orgAdmin(ctx, proposer.name), 'getGovernanceProposal', [
      proposer.mspId,
      proposalId,
    ]);
  let state = await proposal();
  for (const org of members.slice(1)) {
    if (state.status === 'applied') break;
    ctx.progress(`governance: ${org.name} admin approves ${proposalId}`);
    await submit(ctx, orgAdmin(ctx, org.name), 'approveGovernance', [proposer.mspId, proposalId]);
    state = await proposal();
  }
  if (state.status !== 'applied') {
    throw new Error(
      `proposal ${proposalId} of ${proposer.mspId} is still ${state.status} with approvals ${state.approvals.join(', ')}: ` +
        `the topology's organisations are not a majority of the members (${current.members.join(', ')})`,
    );
  }
  ctx.progress(`governance: applied (approved by ${state.approvals.join(', ')})`);
  return waitForGovernance(ctx, current.version + 1, wanted);
}
