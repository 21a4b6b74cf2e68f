import { keccak256, type SigningKey } from "ethers";

/** A contract call from the operator account, as the relayer signs it: legacy (type 0, EIP-155) or EIP-1559 (type 2). */
export interface CallTransaction {
  chainId: bigint;
  nonce: number;
  gasLimit: bigint;
  to: string;
  data: string;
  fees: { type: 0; gasPrice: bigint } | { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

/**
 * Signs a call and serialises it for eth_sendRawTransaction, with its hash: the same bytes as
 * ethers' Wallet.signTransaction (test/chain-calls.test.ts compares them), without its cost.
 * ethers turns the call data from hex to bytes one parseInt at a time, several times over, which
 * made signing a batch of applications the gateway's largest cost a case under intake
 * (docs/performance.md). Here the data is converted once, by Buffer.
 */
export function signCallTransaction(key: SigningKey, tx: CallTransaction): { raw: string; hash: string } {
  if (!/^0x[0-9a-fA-F]{40}$/.test(tx.to)) throw new TypeError(`not an address: ${tx.to}`);
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(tx.data)) throw new TypeError("the call data is not hex bytes");
  const to = Buffer.from(tx.to.slice(2), "hex");
  const data = Buffer.from(tx.data.slice(2), "hex");
  const nonce = integer(BigInt(tx.nonce));
  const gasLimit = integer(tx.gasLimit);
  const value = integer(0n);
  if (tx.fees.type === 0) {
    const unsigned = [nonce, integer(tx.fees.gasPrice), gasLimit, to, value, data];
    const signature = key.sign(keccak256(list([...unsigned, integer(tx.chainId), integer(0n), integer(0n)])));
    const v = tx.chainId * 2n + 35n + BigInt(signature.yParity);
    return serialised(list([...unsigned, integer(v), integer(BigInt(signature.r)), integer(BigInt(signature.s))]));
  }
  const type = Buffer.of(2);
  const unsigned = [integer(tx.chainId), nonce, integer(tx.fees.maxPriorityFeePerGas), integer(tx.fees.maxFeePerGas), gasLimit, to, value, data, EMPTY_LIST];
  const signature = key.sign(keccak256(Buffer.concat([type, list(unsigned)])));
  return serialised(Buffer.concat([type, list([...unsigned, integer(BigInt(signature.yParity)), integer(BigInt(signature.r)), integer(BigInt(signature.s))])]));
}

const serialised = (bytes: Buffer) => ({ raw: "0x" + bytes.toString("hex"), hash: keccak256(bytes) });

/** An RLP item already encoded (the empty access list), told apart from a byte string to encode. */
const EMPTY_LIST = { encoded: Buffer.of(0xc0) };

/** A non-negative integer as RLP wants it: big-endian, no leading zeros, zero as no bytes. */
function integer(n: bigint): Buffer {
  if (n < 0n) throw new RangeError(`a transaction field cannot be negative: ${n}`);
  if (n === 0n) return Buffer.alloc(0);
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
}

/** RLP (the Ethereum yellow paper, appendix B) of a list of byte strings. */
function list(items: (Buffer | { encoded: Buffer })[]): Buffer {
  const payload = Buffer.concat(items.map((item) => ("encoded" in item ? item.encoded : string(item))));
  return Buffer.concat([prefix(0xc0, payload.length), payload]);
}

function string(bytes: Buffer): Buffer {
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  return Buffer.concat([prefix(0x80, bytes.length), bytes]);
}

/** The length prefix of a string (0x80) or a list (0xc0) of `length` bytes. */
function prefix(base: number, length: number): Buffer {
  if (length <= 55) return Buffer.of(base + length);
  const size = integer(BigInt(length));
  return Buffer.concat([Buffer.of(base + 55 + size.length), size]);
}
