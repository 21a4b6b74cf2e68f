import type { ChainClient } from "../chain/client.ts";
import { jurisdictionCode, Programme } from "../chain/domain.ts";

export interface AllocationNode {
  allocationId: string;
  jurisdiction: string;
  programme: string;
  fiscalYear: number;
  amount: string;
  allocated: string;
  paid: string;
  purposeHash: string;
  children: AllocationNode[];
  payouts: { caseId: string; period: number; amount: string; transactionHash: string }[];
  reversals: { caseId: string; period: number; amount: string; transactionHash: string }[];
  /** Reconciliation: the children's amounts and the payouts net of reversals, as the events show them. */
  totals: { childrenAmount: string; payouts: string; reversals: string; reconciles: boolean };
}

/**
 * An allocation's place in the flow of funds: the chain of parents up to its appropriation, and
 * the tree beneath it down to every case it paid, each node reconciled: its `allocated` must be
 * the sum of its children and its `paid` the payouts net of reversals.
 */
export async function allocationFlow(chain: ChainClient, allocationId: bigint) {
  const { funds } = chain;
  const up: { allocationId: string; jurisdiction: string; amount: string }[] = [];
  for (let id = (await funds.allocation(allocationId)).parent; id !== 0n; id = (await funds.allocation(id)).parent) {
    const a = await funds.allocation(id);
    up.push({ allocationId: id.toString(), jurisdiction: jurisdictionCode(a.jurisdiction), amount: a.amount.toString() });
  }
  return { path: up, tree: await node(chain, allocationId) };
}

async function node(chain: ChainClient, allocationId: bigint): Promise<AllocationNode> {
  const { funds } = chain;
  const a = await funds.allocation(allocationId);
  const [childEvents, payoutEvents, reversalEvents] = await Promise.all([
    funds.queryFilter(funds.filters.AllocationMade(undefined, allocationId)),
    funds.queryFilter(funds.filters.PayoutMade(undefined, allocationId)),
    funds.queryFilter(funds.filters.PayoutReversed(undefined, undefined, allocationId)),
  ]);
  const children = await Promise.all(childEvents.map((e) => node(chain, e.args.allocationId)));
  const payouts = payoutEvents.map((e) => ({ caseId: e.args.caseId, period: Number(e.args.period), amount: e.args.amount.toString(), transactionHash: e.transactionHash }));
  const reversals = reversalEvents.map((e) => ({ caseId: e.args.caseId, period: Number(e.args.period), amount: e.args.amount.toString(), transactionHash: e.transactionHash }));
  const sum = (xs: { amount: string }[]) => xs.reduce((s, x) => s + BigInt(x.amount), 0n);
  const childrenAmount = sum(children);
  const net = sum(payouts) - sum(reversals);
  return {
    allocationId: allocationId.toString(),
    jurisdiction: jurisdictionCode(a.jurisdiction),
    programme: Programme[Number(a.programme)]!,
    fiscalYear: Number(a.fiscalYear),
    amount: a.amount.toString(),
    allocated: a.allocated.toString(),
    paid: a.paid.toString(),
    purposeHash: a.purposeHash,
    children,
    payouts,
    reversals,
    totals: { childrenAmount: childrenAmount.toString(), payouts: sum(payouts).toString(), reversals: sum(reversals).toString(), reconciles: childrenAmount === a.allocated && net === a.paid },
  };
}
