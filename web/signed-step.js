import { recordHash } from "aidtrail/verify";
import { bytesToHex } from "@noble/hashes/utils.js";
import { api, el } from "./common.js";
import { checkLedger } from "./trusted-ledger.js";

/*
 * An officer's own ledger step from a page (see SignedCall in the gateway): drafted by the gateway,
 * checked here before anything is signed, signed with the key opened in the page, relayed.
 */

/** A record's leaf hash, 0x-hex, recomputed here from the record itself. */
export const recordHashHex = (record) => "0x" + bytesToHex(recordHash(record));

/** A drafted transaction, as the gateway answers it (quantities as strings), signed with the key opened in the page. */
export const signDrafted = (key, tx) => key.signTransaction({ ...tx, nonce: Number(tx.nonce), chainId: BigInt(tx.chainId), type: Number(tx.type ?? 0) });

/**
 * `POST {path}/draft` of `fields`, checked: for the trusted ledger, to its `contract` (see
 * trusted-ledger.js); its evidence record `fits` what was asked and hashes to
 * the hash drafted, and its transaction makes exactly `call(hash, record, transaction)`, from
 * `key`'s account, sending no value (a call with a part only the gateway can make, a revision's
 * identity commitment, takes that part from the transaction and the rest as the officer asked).
 * Otherwise throws `refusal(what)`, `what` naming the part at fault.
 */
export async function draftStep(path, fields, key, { fits, call, contract }, refusal) {
  const drafted = await api(`${path}/draft`, { method: "POST", body: fields });
  const hash = recordHashHex(drafted.record);
  const tx = drafted.transaction;
  await checkLedger(tx, contract);
  const fault = [
    ["recordHash", hash === drafted.recordHash],
    ["record", fits(drafted.record)],
    ["data", tx.data === call(hash, drafted.record, tx)],
    ["from", tx.from.toLowerCase() === key.address.toLowerCase()],
    ["value", BigInt(tx.value ?? 0) === 0n],
  ].find(([, ok]) => !ok);
  if (fault) throw new Error(refusal(fault[0]));
  return drafted;
}

/** The checked draft signed and relayed (`POST {path}`, with the same fields): the gateway's answer, with the ledger's state. */
export async function relayStep(path, fields, drafted, key) {
  return api(path, { method: "POST", body: { ...fields, draft: drafted.draft, signedTransaction: await signDrafted(key, drafted.transaction) } });
}

/**
 * What became of a relayed step, as a status line: done (`done(transactionHash)`), refused by the
 * ledger (its reason, as `failed` says it), or owed to a chain that has not answered yet (`pending`).
 */
export function stepOutcome(ledger, done, pending, failed = (reason) => reason) {
  const said = ledger.state === "done" ? done(ledger.transactionHash) : ledger.state === "failed" ? failed(ledger.error?.message ?? "") : pending;
  return el("p", { class: ledger.state === "failed" ? "bad" : "ok", "data-state": ledger.state, role: "status" }, said);
}
