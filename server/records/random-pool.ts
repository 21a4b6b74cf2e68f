import { randomFillSync } from "node:crypto";

/**
 * Bytes from the operating system's CSPRNG, fetched 64 KiB at a time: a salt, a data key and two
 * nonces per record cost four calls otherwise, and at tens of thousands of records a second the
 * calls, not the randomness, dominate. Every byte is handed out once and never reused.
 */
const POOL_SIZE = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomBytesFromPool(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.alloc(size));
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
