import { createCipheriv, createDecipheriv, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { randomBytesFromPool } from "./random-pool.ts";
import { KeyError } from "./errors.ts";
import type { Suite } from "../../kit/record.ts";

/**
 * Envelope encryption: sealed values are encrypted under a data key, and only that key is
 * encrypted (wrapped) under a master key. The values sealed together (the records of one append)
 * share one data key, wrapped once, each under its own nonce and bound to its own context;
 * rotating the master key re-wraps data keys, and the sealed data, so every record hash, stays.
 * The suite decides the authenticated encryption (docs/cryptography.md).
 */
export interface Envelope {
  v: 2;
  /** AES-256-GCM (the standard suite), or SM4-CTR then HMAC-SM3 over the context, nonce and ciphertext (the national). */
  alg: Algorithm;
  /** The master key that wraps the data key. */
  kid: string;
  /** base64 of the wrapped data key, sealed as `data` is. */
  key: string;
  /** base64 of nonce || ciphertext || tag: 12 and 16 bytes (A256GCM) or 16 and 32 (SM4CTR-HMACSM3). */
  data: string;
}

type Algorithm = "A256GCM" | "SM4CTR-HMACSM3";
const ALGORITHMS: Record<Suite, Algorithm> = { standard: "A256GCM", national: "SM4CTR-HMACSM3" };

/** What a data key's wrap is bound to: the data key is shared by the values of a batch, each bound to its own context. */
const WRAP_CONTEXT = Buffer.from("aidtrail data key", "utf8");
const KEY_BYTES = 32;

/** Authenticated encryption under one key, with a fresh nonce for every value. */
export interface Aead {
  seal(plain: Uint8Array, aad: Uint8Array): Buffer;
  /** Throws if the sealed value or its context was altered. */
  open(sealed: Buffer, aad: Uint8Array): Buffer;
}

/**
 * Keys are always KeyObjects, made once per key: given raw bytes, createCipheriv and createHmac
 * build a key object on every call, which costs four times the encryption of a record's personal fields.
 */
function aesGcm([key]: KeyParts): Aead {
  return {
    seal(plain, aad) {
      const iv = randomBytesFromPool(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    open(sealed, aad) {
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12)).setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    },
  };
}

/**
 * SM4 (GB/T 32907) has no authenticated mode in Node's OpenSSL: SM4-CTR under the first 16 bytes
 * of the key, then HMAC-SM3 under the other 16 over the context's length (8 bytes, big-endian),
 * the context, the nonce and the ciphertext (encrypt-then-MAC, as ISO/IEC 19772 and RFC 7366
 * do), checked before anything is decrypted.
 */
function sm4CtrHmacSm3([encryption, authentication]: KeyParts): Aead {
  const tag = (aad: Uint8Array, ivAndCiphertext: Uint8Array) => {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(aad.length));
    return createHmac("sm3", authentication).update(length).update(aad).update(ivAndCiphertext).digest();
  };
  return {
    seal(plain, aad) {
      const iv = randomBytesFromPool(16);
      const cipher = createCipheriv("sm4-ctr", encryption, iv);
      const body = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
      return Buffer.concat([body, tag(aad, body)]);
    },
    open(sealed, aad) {
      const body = sealed.subarray(0, sealed.length - 32);
      if (body.length < 16 || !timingSafeEqual(tag(aad, body), sealed.subarray(sealed.length - 32))) throw new Error("the tag does not match");
      const decipher = createDecipheriv("sm4-ctr", encryption, body.subarray(0, 16));
      return Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]);
    },
  };
}

const AEADS: Record<Algorithm, (key: KeyParts) => Aead> = { A256GCM: aesGcm, "SM4CTR-HMACSM3": sm4CtrHmacSm3 };

/** A key of 32 bytes as its algorithm uses it: one AES-256 key, or an SM4 key and an HMAC-SM3 key of 16 bytes each. */
type KeyParts = readonly KeyObject[];
const keyParts = (alg: Algorithm, raw: Uint8Array): KeyParts => (alg === "A256GCM" ? [createSecretKey(raw)] : [createSecretKey(raw.subarray(0, 16)), createSecretKey(raw.subarray(16, 32))]);
const aead = (alg: Algorithm, raw: Uint8Array): Aead => AEADS[alg](keyParts(alg, raw));

/** The suite's authenticated encryption under a 32-byte key of the caller's own (not under the keyring). */
export const suiteAead = (suite: Suite, raw: Uint8Array): Aead => aead(ALGORITHMS[suite], raw);

export interface Keyring {
  /** The deployment's suite: how every envelope is sealed, and what an envelope must say it was sealed with. */
  suite: Suite;
  /** The id of the key new envelopes are wrapped with. */
  current: string;
  /** Each master key as key objects, made once (and, unlike closures, passed to the sealing workers). */
  keys: ReadonlyMap<string, KeyParts>;
}

/** A keyring of `suite` from `{ current, keys: { kid: base64 } }`, each key 32 bytes: validated here, once. */
export function keyringFrom(config: { current: string; keys: Record<string, string> }, suite: Suite): Keyring {
  const keys = new Map<string, KeyParts>();
  for (const [kid, encoded] of Object.entries(config.keys)) {
    const key = Buffer.from(encoded, "base64");
    if (key.length !== KEY_BYTES) throw new KeyError("KEY_INVALID", `master key "${kid}" is ${key.length} bytes, not 32`, { field: `keys.${kid}`, hint: "generate one with: openssl rand -base64 32" });
    keys.set(kid, keyParts(ALGORITHMS[suite], key));
  }
  if (!keys.has(config.current)) {
    throw new KeyError("KEY_INVALID", `the current master key "${config.current}" is not in the keyring`, { field: "current", hint: "name one of the configured keys as current" });
  }
  return { suite, current: config.current, keys };
}

function masterKey(keyring: Keyring, kid: string): Aead {
  const key = keyring.keys.get(kid);
  if (!key) throw new KeyError("KEY_UNKNOWN", `master key "${kid}" is not in the keyring`, { hint: "add the retired key to the keyring until every envelope is re-wrapped" });
  return AEADS[ALGORITHMS[keyring.suite]](key);
}

/** The data key of an envelope of the keyring's suite, unwrapped. */
function dataKeyOf(envelope: Envelope, keyring: Keyring): Buffer {
  if (envelope.alg !== ALGORITHMS[keyring.suite]) throw new Error(`sealed with ${envelope.alg}, not the suite's ${ALGORITHMS[keyring.suite]}`);
  return masterKey(keyring, envelope.kid).open(Buffer.from(envelope.key, "base64"), WRAP_CONTEXT);
}

/**
 * A sealer of values under one fresh data key, wrapped once: what a batch of records is sealed
 * with (a wrap per record cost as much as the record's own encryption). Each value gets its own
 * nonce, and its `context` (for example the record id) must be given again to open it.
 */
export function sealer(keyring: Keyring): (plain: Uint8Array, context: string) => Envelope {
  const alg = ALGORITHMS[keyring.suite];
  const raw = randomBytesFromPool(KEY_BYTES);
  const dataKey = aead(alg, raw);
  const wrapped = masterKey(keyring, keyring.current).seal(raw, WRAP_CONTEXT).toString("base64");
  return (plain, context) => ({ v: 2, alg, kid: keyring.current, key: wrapped, data: dataKey.seal(plain, Buffer.from(context, "utf8")).toString("base64") });
}

/** Seals one value under a fresh data key (see sealer). */
export function seal(plain: Uint8Array, keyring: Keyring, context: string): Envelope {
  return sealer(keyring)(plain, context);
}

export function open(envelope: Envelope, keyring: Keyring, context: string): Buffer {
  try {
    return aead(envelope.alg, dataKeyOf(envelope, keyring)).open(Buffer.from(envelope.data, "base64"), Buffer.from(context, "utf8"));
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError("ENVELOPE_INVALID", `the sealed data of ${context} cannot be opened: it was altered, belongs to another record or was sealed in another suite`, {
      hint: "run the log audit; restore the record from a backup",
    });
  }
}

/** The envelope with its data key wrapped under the keyring's current master key; the data is untouched. */
export function rewrap(envelope: Envelope, keyring: Keyring): Envelope {
  if (envelope.kid === keyring.current) return envelope;
  return { ...envelope, kid: keyring.current, key: masterKey(keyring, keyring.current).seal(dataKeyOf(envelope, keyring), WRAP_CONTEXT).toString("base64") };
}
