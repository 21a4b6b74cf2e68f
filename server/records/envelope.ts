import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import { randomBytesFromPool } from "./random-pool.ts";
import { KeyError } from "./errors.ts";

/**
 * Envelope encryption (AES-256-GCM): sealed values are encrypted under a data key, and only that
 * key is encrypted (wrapped) under a master key. The values sealed together (the records of one
 * append) share one data key, wrapped once, each under its own nonce and bound to its own context;
 * rotating the master key re-wraps data keys, and the sealed data, so every record hash, stays.
 */
export interface Envelope {
  v: 2;
  /** The master key that wraps the data key. */
  kid: string;
  /** base64 of iv (12) || wrapped data key (32) || tag (16). */
  key: string;
  /** base64 of iv (12) || ciphertext || tag (16). */
  data: string;
}

/** What a data key's wrap is bound to: the data key is shared by the values of a batch, each bound to its own context. */
const WRAP_CONTEXT = Buffer.from("aidtrail data key", "utf8");

export interface Keyring {
  /** The id of the key new envelopes are wrapped with. */
  current: string;
  /** Key objects made once: building one from raw bytes on every wrap costs as much as the wrap. */
  keys: ReadonlyMap<string, KeyObject>;
}

/** A keyring from `{ current, keys: { kid: base64 } }`, each key 32 bytes: validated here, once. */
export function keyringFrom(config: { current: string; keys: Record<string, string> }): Keyring {
  const keys = new Map<string, KeyObject>();
  for (const [kid, encoded] of Object.entries(config.keys)) {
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) throw new KeyError("KEY_INVALID", `master key "${kid}" is ${key.length} bytes, not 32`, { field: `keys.${kid}`, hint: "generate one with: openssl rand -base64 32" });
    keys.set(kid, createSecretKey(key));
  }
  if (!keys.has(config.current)) {
    throw new KeyError("KEY_INVALID", `the current master key "${config.current}" is not in the keyring`, { field: "current", hint: "name one of the configured keys as current" });
  }
  return { current: config.current, keys };
}

/**
 * Keys are always KeyObjects: given raw bytes, createCipheriv builds a key object itself on every
 * call, which costs four times the encryption of a record's personal fields.
 */
function gcm(key: KeyObject, plain: Uint8Array, aad: Uint8Array, iv: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function ungcm(key: KeyObject, sealed: Buffer, aad: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12)).setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}

function masterKey(keyring: Keyring, kid: string): KeyObject {
  const key = keyring.keys.get(kid);
  if (!key) throw new KeyError("KEY_UNKNOWN", `master key "${kid}" is not in the keyring`, { hint: "add the retired key to the keyring until every envelope is re-wrapped" });
  return key;
}

/**
 * A sealer of values under one fresh data key, wrapped once: what a batch of records is sealed
 * with (a wrap per record cost as much as the record's own encryption). Each value gets its own
 * nonce, and its `context` (for example the record id) must be given again to open it.
 */
export function sealer(keyring: Keyring): (plain: Uint8Array, context: string) => Envelope {
  const random = randomBytesFromPool(44);
  const dataKey = createSecretKey(random.subarray(0, 32));
  const wrapped = gcm(masterKey(keyring, keyring.current), random.subarray(0, 32), WRAP_CONTEXT, random.subarray(32, 44)).toString("base64");
  return (plain, context) => ({ v: 2, kid: keyring.current, key: wrapped, data: gcm(dataKey, plain, Buffer.from(context, "utf8"), randomBytesFromPool(12)).toString("base64") });
}

/** Seals one value under a fresh data key (see sealer). */
export function seal(plain: Uint8Array, keyring: Keyring, context: string): Envelope {
  return sealer(keyring)(plain, context);
}

export function open(envelope: Envelope, keyring: Keyring, context: string): Buffer {
  try {
    const dataKey = ungcm(masterKey(keyring, envelope.kid), Buffer.from(envelope.key, "base64"), WRAP_CONTEXT);
    return ungcm(createSecretKey(dataKey), Buffer.from(envelope.data, "base64"), Buffer.from(context, "utf8"));
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError("ENVELOPE_INVALID", `the sealed data of ${context} cannot be opened: it was altered or belongs to another record`, {
      hint: "run the log audit; restore the record from a backup",
    });
  }
}

/** The envelope with its data key wrapped under the keyring's current master key; the data is untouched. */
export function rewrap(envelope: Envelope, keyring: Keyring): Envelope {
  if (envelope.kid === keyring.current) return envelope;
  const dataKey = ungcm(masterKey(keyring, envelope.kid), Buffer.from(envelope.key, "base64"), WRAP_CONTEXT);
  return { ...envelope, kid: keyring.current, key: gcm(masterKey(keyring, keyring.current), dataKey, WRAP_CONTEXT, randomBytesFromPool(12)).toString("base64") };
}
