import type { ChainClient } from "../chain/client.ts";
import { coversDivision, jurisdictionCode, paysCases } from "../chain/domain.ts";
import { PROGRAMMES } from "../records/kinds/application.ts";
import type { Indexer } from "../sync/indexer.ts";

/** A programme's name as requests give it ("dibao"), from its number on the ledger. */
const programmeName = (n: number) => (Object.keys(PROGRAMMES) as (keyof typeof PROGRAMMES)[]).find((k) => PROGRAMMES[k] === n)!;

/** An appropriation as one finance officer proposed it, and what became of it. */
export interface AppropriationProposal {
  proposalId: string;
  programme: keyof typeof PROGRAMMES;
  fiscalYear: number;
  jurisdiction: string;
  /** Fen. */
  amount: string;
  /** The hash of the maker's record of the budget as passed; the checker's approval names it again. */
  purposeHash: string;
  proposedBy: string;
  proposedAt: number;
  /** Waiting for a second finance officer; made (its allocation's id and checker given); or withdrawn by its maker. */
  state: "pending" | "made" | "withdrawn";
  allocationId?: string;
  approvedBy?: string;
}

/** Every appropriation proposed on the ledger, in order, as the indexed events tell it. */
export async function appropriationProposals(indexer: Indexer): Promise<AppropriationProposal[]> {
  await indexer.catchUp();
  const proposals = new Map<string, AppropriationProposal>();
  for (const e of await indexer.proposalEvents()) {
    const a = e.args;
    const id = a.proposalId as string;
    if (e.name === "AppropriationProposed") {
      proposals.set(id, {
        proposalId: id,
        programme: programmeName(Number(a.programme)),
        fiscalYear: Number(a.fiscalYear),
        jurisdiction: jurisdictionCode(BigInt(a.jurisdiction as string)),
        amount: a.amount as string,
        purposeHash: a.purposeHash as string,
        proposedBy: a.actor as string,
        proposedAt: e.timestamp,
        state: "pending",
      });
      continue;
    }
    const proposal = proposals.get(id);
    if (!proposal) continue;
    if (e.name === "AppropriationWithdrawn") proposal.state = "withdrawn";
    if (e.name === "AppropriationMade") Object.assign(proposal, { state: "made", allocationId: a.allocationId as string, approvedBy: a.actor as string });
  }
  return [...proposals.values()];
}

/** An allocation (an appropriation has no parent) as the ledger holds it now. Amounts in fen. */
export interface AllocationLine {
  allocationId: string;
  /** "0" for an appropriation. */
  parent: string;
  jurisdiction: string;
  programme: keyof typeof PROGRAMMES;
  fiscalYear: number;
  amount: string;
  allocated: string;
  paid: string;
  available: string;
  /** Whether it pays cases: made to a county or a township (FundLedger's PayoutAllocationAboveCounty). */
  paysCases: boolean;
}

/**
 * Every allocation whose jurisdiction is on the line of `jurisdiction` (above it, it, or beneath
 * it), in the order made: what its finance officers pass down and pay from.
 */
export async function allocationsOnLine(chain: ChainClient, jurisdiction: string): Promise<AllocationLine[]> {
  const count = Number(await chain.funds.allocationCount());
  const all = await Promise.all(Array.from({ length: count }, (_, i) => chain.funds.allocation(BigInt(i + 1))));
  return all.flatMap((a, i) => {
    const held = jurisdictionCode(a.jurisdiction);
    if (!coversDivision(held, jurisdiction) && !coversDivision(jurisdiction, held)) return [];
    return [
      {
        allocationId: String(i + 1),
        parent: a.parent.toString(),
        jurisdiction: held,
        programme: programmeName(Number(a.programme)),
        fiscalYear: Number(a.fiscalYear),
        amount: a.amount.toString(),
        allocated: a.allocated.toString(),
        paid: a.paid.toString(),
        available: (a.amount - a.allocated - a.paid).toString(),
        paysCases: paysCases(held),
      },
    ];
  });
}
