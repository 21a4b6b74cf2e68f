import type { OutboxEntry } from "./outbox.ts";

/*
 * The relayer's batching policy: how owed steps are grouped into the transactions that carry
 * them, and the gas each batch of applications is given.
 */

/**
 * Applications sent in one transaction at most. The relayer sends its transactions one after
 * another, each waiting for the chain to take the one before (a simulator mining a block holds it
 * for up to half a second), so the cases a send carries bound how many reach the ledger a second
 * (docs/performance.md).
 */
export const APPLICATION_BATCH = 400;
const BATCH_GAS = 50_000n;
const APPLICATION_GAS = 100_000n;
/** Each household member's commitment is checked (two cold words read) and written (a storage word): about 25,800 gas more an application. */
const MEMBER_GAS = 28_000n;
/**
 * The gas a batch of `count` applications listing `members` household members in all is given,
 * instead of an estimate that would run the batch once more on the node. Above the most a batch
 * costs (every application in another jurisdiction than the one before it, so that the registry
 * asks AidAccess again each time, and each caseworker's signature checked; `npm run bench:gas`
 * measures it). A batch that ran out would be mined as reverted, then sent case by case with
 * estimates, so a bound too low costs time, never a case.
 */
export const applicationsGas = (count: number, members = 0) => BATCH_GAS + APPLICATION_GAS * BigInt(count) + MEMBER_GAS * BigInt(members);
/**
 * The applications a transaction carries on a chain whose blocks take `blockGasLimit`: as many as
 * fit half a block (see applicationsGas), up to APPLICATION_BATCH. A transaction given more gas
 * than a block holds would never be mined, and one given more than half would be mined alone,
 * where a block should take several of those in flight: 149 on a chain of 30-million blocks,
 * APPLICATION_BATCH from about 80 million.
 */
export function applicationsPerTransaction(blockGasLimit: bigint): number {
  return Math.max(1, Math.min(APPLICATION_BATCH, Number((blockGasLimit / 2n - BATCH_GAS) / APPLICATION_GAS)));
}

/** An outbox entry still owed, under its key. */
export type Owed = [string, OutboxEntry];

/** The household members an owed application lists (its Application's `household`). */
export const membersOf = (entry: OutboxEntry) => (entry.args[6] as readonly unknown[]).length;

/**
 * What is owed, in the order owed, as the transactions that will carry it. Entries an earlier run
 * signed a transaction for (`sentAs`) stay together, as that transaction has them; applications
 * owed one after another go to the ledger together, up to `batchSize` and as long as their gas
 * (see applicationsGas: large households cost more) fits half a block of `blockGasLimit`; every
 * other call alone.
 */
export function units(owed: Owed[], batchSize: number, blockGasLimit: bigint): Owed[][] {
  const all: Owed[][] = [];
  const bySent = new Map<string, Owed[]>();
  let batch: Owed[] | null = null;
  let members = 0;
  for (const item of owed) {
    const [, entry] = item;
    if (entry.sentAs) {
      const unit = bySent.get(entry.sentAs);
      if (unit) unit.push(item);
      else all.push(bySent.set(entry.sentAs, [item]).get(entry.sentAs)!);
    } else if (entry.kind !== "submitApplication") {
      batch = null;
      all.push([item]);
    } else if (batch && batch.length < batchSize && 2n * applicationsGas(batch.length + 1, members + membersOf(entry)) <= blockGasLimit) {
      batch.push(item);
      members += membersOf(entry);
    } else {
      all.push((batch = [item]));
      members = membersOf(entry);
    }
  }
  return all;
}
