import { verifyMessage } from "ethers";
import { HASH_SIZE } from "./hash.ts";
import { SUITES, type Suite } from "./record.ts";

/** A checkpoint of a record log: its size and root at a time, signed by the gateway's log key. */
export interface Checkpoint {
  logId: string;
  /** The cryptographic suite of the log's records: every checkpoint of a log, from its first, names the same. */
  suite: Suite;
  treeSize: number;
  /** 0x-hex of the RFC 9162 root. */
  root: string;
  time: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The Ethereum address of the log key (the log operator account that anchors it). */
  signer: string;
  /** EIP-191 signature of `checkpointText`. */
  signature: string;
}

/** The exact text a log key signs: one line per field, so a person can read what was signed. */
export function checkpointText(c: Checkpoint): string {
  return `aidtrail checkpoint v2\nlog ${c.logId}\nsuite ${c.suite}\nsize ${c.treeSize}\nroot ${c.root}\ntime ${c.time}\n`;
}

/** Whether `c` is well formed and signed by its stated signer. Never throws. */
export function verifyCheckpointSignature(c: SignedCheckpoint): boolean {
  try {
    if (!Number.isSafeInteger(c.treeSize) || c.treeSize < 0 || !SUITES.includes(c.suite)) return false;
    if (!/^0x[0-9a-f]+$/i.test(c.root) || (c.root.length - 2) / 2 !== HASH_SIZE) return false;
    return verifyMessage(checkpointText(c), c.signature).toLowerCase() === c.signer.toLowerCase();
  } catch {
    return false;
  }
}
