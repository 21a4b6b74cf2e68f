import type { ChainClient } from "../chain/client.ts";
import type { Indexer, LedgerEvent } from "../sync/indexer.ts";
import { jurisdictionCode, Programme, nameOf } from "../chain/domain.ts";

export interface FlowLine {
  caseId: string;
  period: number;
  amount: string;
  actor: string;
  transactionHash: string;
}

export interface AllocationNode {
  allocationId: string;
  jurisdiction: string;
  programme: string;
  fiscalYear: number;
  amount: string;
  allocated: string;
  paid: string;
  purposeHash: string;
  /** The finance officer who made it, as its AppropriationMade (the checker who approved it) or AllocationMade names them; null where the index predates it. */
  madeBy: string | null;
  /** For an appropriation, the finance officer who proposed it (its maker); null for an allocation. */
  proposedBy: string | null;
  children: AllocationNode[];
  /** Each with the finance officer who paid or reversed it, as its event names them. */
  payouts: FlowLine[];
  reversals: FlowLine[];
  /** Reconciliation: the children's amounts and the payouts net of reversals, as the events show them. */
  totals: { childrenAmount: string; payouts: string; reversals: string; reconciles: boolean };
}

/**
 * An allocation's place in the flow of funds: the chain of parents up to its appropriation, and
 * the tree beneath it down to every case it paid, each node reconciled: its `allocated` must be
 * the sum of its children and its `paid` the payouts net of reversals. The amounts come from the
 * ledger's current state, the children and payouts from the indexed events.
 */
export async function allocationFlow(chain: ChainClient, indexer: Indexer, allocationId: bigint) {
  await indexer.catchUp();
  const { funds } = chain;
  const up: { allocationId: string; jurisdiction: string; amount: string }[] = [];
  for (let id = (await funds.allocation(allocationId)).parent; id !== 0n; id = (await funds.allocation(id)).parent) {
    const a = await funds.allocation(id);
    up.push({ allocationId: id.toString(), jurisdiction: jurisdictionCode(a.jurisdiction), amount: a.amount.toString() });
  }
  return { path: up, tree: await node(chain, indexer, allocationId) };
}

async function node(chain: ChainClient, indexer: Indexer, allocationId: bigint): Promise<AllocationNode> {
  const a = await chain.funds.allocation(allocationId);
  const id = allocationId.toString();
  const events = await indexer.allocationEvents(id);
  // An AllocationMade is indexed under its parent and under itself.
  const made = events.find((e) => (e.name === "AppropriationMade" || e.name === "AllocationMade") && e.args.allocationId === id);
  const children = await Promise.all(events.filter((e) => e.name === "AllocationMade" && e.args.parent === id).map((e) => node(chain, indexer, BigInt(e.args.allocationId as string))));
  const line = (e: LedgerEvent): FlowLine => ({ caseId: e.args.caseId as string, period: Number(e.args.period), amount: e.args.amount as string, actor: e.args.actor as string, transactionHash: e.transactionHash });
  const payouts = events.filter((e) => e.name === "PayoutMade").map(line);
  const reversals = events.filter((e) => e.name === "PayoutReversed").map(line);
  const sum = (xs: { amount: string }[]) => xs.reduce((s, x) => s + BigInt(x.amount), 0n);
  const childrenAmount = sum(children);
  const net = sum(payouts) - sum(reversals);
  return {
    allocationId: allocationId.toString(),
    jurisdiction: jurisdictionCode(a.jurisdiction),
    programme: nameOf(Programme, Number(a.programme))!,
    fiscalYear: Number(a.fiscalYear),
    amount: a.amount.toString(),
    allocated: a.allocated.toString(),
    paid: a.paid.toString(),
    purposeHash: a.purposeHash,
    madeBy: (made?.args.actor as string | undefined) ?? null,
    proposedBy: (made?.args.proposer as string | undefined) ?? null,
    children,
    payouts,
    reversals,
    totals: { childrenAmount: childrenAmount.toString(), payouts: sum(payouts).toString(), reversals: sum(reversals).toString(), reconciles: childrenAmount === a.allocated && net === a.paid },
  };
}
