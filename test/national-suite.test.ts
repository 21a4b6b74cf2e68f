import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hmac } from "@noble/hashes/hmac.js";
import { hexlify, id, Wallet } from "ethers";
import { afterEach, describe, expect, it } from "vitest";
import { hmacSm3Base64url, sm3 } from "../kit/hash.ts";
import { jsSm3 } from "../kit/sm3.ts";
import { canonicalize, fieldCommitment, fieldSalt, loggedRecord, recordHash, recordLeaf, verifyRecord } from "../kit/index.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom, open, rewrap, seal, type Envelope } from "../server/records/envelope.ts";
import { identityCommitment, identityKey } from "../server/records/identity.ts";
import { newRecord } from "../server/records/record.ts";

const refusal = (code: string) => expect.objectContaining({ code });

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("SM3 (GB/T 32905-2016)", () => {
  // The standard's two examples (its appendix A): "abc", and "abcd" sixteen times (512 bits).
  const EXAMPLES = [
    ["abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"],
    ["abcd".repeat(16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"],
  ] as const;

  it("gives the standard's examples, natively (OpenSSL) and in the browser's JavaScript", () => {
    for (const [message, digest] of EXAMPLES) {
      expect(hex(sm3(utf8(message)))).toBe(digest);
      expect(hex(jsSm3(utf8(message)))).toBe(digest);
    }
  });

  it("hashes as OpenSSL does at every length across the padding's edges (55, 56, 64 bytes and more), so the browser and the gateway agree", () => {
    for (let length = 0; length <= 300; length++) {
      const message = randomBytes(length);
      expect(hex(jsSm3(message)), `${length} bytes`).toBe(createHash("sm3").update(message).digest("hex"));
    }
  });

  it("makes HMAC-SM3 as OpenSSL and @noble/hashes' HMAC do, for keys shorter and longer than a block", () => {
    for (const key of ["k", "a 22-character salt..", "r".repeat(64), "x".repeat(65), "密钥".repeat(40)]) {
      const message = `["applicant",{"name":"王小明","phone":"13812345678"}]`;
      const made = hmacSm3Base64url(key, message);
      expect(made).toBe(createHmac("sm3", Buffer.from(key, "utf8")).update(message).digest("base64url"));
      expect(made).toBe(Buffer.from(hmac(jsSm3, utf8(key), utf8(message))).toString("base64url"));
    }
  });
});

describe("SM4 (GB/T 32907-2016), as the national suite's sealing uses it", () => {
  const KEY = Buffer.from("0123456789abcdeffedcba9876543210", "hex");

  it("gives the standard's examples: one block, and the same block encrypted a million times", () => {
    const once = createCipheriv("sm4-ecb", KEY, null).setAutoPadding(false).update(KEY);
    expect(once.toString("hex")).toBe("681edf34d206965e86b3e94f536e4246");
    // CBC from a zero IV over the block and then 999,999 zero blocks encrypts each ciphertext
    // block again (C_i = E(C_(i-1) xor 0)): its last block is the millionth encryption.
    const blocks = Buffer.alloc(16 * 1_000_000);
    KEY.copy(blocks);
    const chained = createCipheriv("sm4-cbc", KEY, Buffer.alloc(16)).setAutoPadding(false).update(blocks);
    expect(chained.subarray(-16).toString("hex")).toBe("595298c7c6fd271f0402f804c33d3f66");
  });

  /** SM4-CTR, then HMAC-SM3 over the context's length, the context, the nonce and the ciphertext, rebuilt from SM4 blocks as docs/cryptography.md writes it. */
  function openByHand(raw: Buffer, sealed: Buffer, context: Buffer): Buffer {
    const [nonce, ciphertext, tag] = [sealed.subarray(0, 16), sealed.subarray(16, -32), sealed.subarray(-32)];
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(context.length));
    expect(createHmac("sm3", raw.subarray(16)).update(Buffer.concat([length, context, nonce, ciphertext])).digest()).toEqual(tag);
    const counter = BigInt("0x" + nonce.toString("hex"));
    const blocks = Buffer.concat(Array.from({ length: Math.ceil(ciphertext.length / 16) }, (_, i) => Buffer.from((counter + BigInt(i)).toString(16).padStart(32, "0"), "hex")));
    const stream = createCipheriv("sm4-ecb", raw.subarray(0, 16), null).setAutoPadding(false).update(blocks);
    return Buffer.from(ciphertext.map((byte, i) => byte ^ stream[i]!));
  }

  const master = randomBytes(32);
  const keyring = keyringFrom({ current: "k1", keys: { k1: master.toString("base64") } }, "national");

  it("seals a value under a data key wrapped by the master key, each with SM4-CTR and HMAC-SM3, which opens by hand from the standard's blocks", () => {
    const envelope = seal(Buffer.from("王小明 13812345678"), keyring, "r1#0");
    expect(envelope).toMatchObject({ v: 2, alg: "SM4CTR-HMACSM3", kid: "k1" });
    const dataKey = openByHand(master, Buffer.from(envelope.key, "base64"), Buffer.from("aidtrail data key"));
    expect(dataKey.length).toBe(32);
    expect(openByHand(dataKey, Buffer.from(envelope.data, "base64"), Buffer.from("r1#0")).toString()).toBe("王小明 13812345678");
    expect(open(envelope, keyring, "r1#0").toString()).toBe("王小明 13812345678");
  });

  it("refuses an altered ciphertext, nonce or tag, another record's context, and an envelope of the other suite (ENVELOPE_INVALID)", () => {
    const envelope = seal(Buffer.from("王小明"), keyring, "r1#0");
    const flipped = (at: (length: number) => number): Envelope => {
      const data = Buffer.from(envelope.data, "base64");
      data[at(data.length)]! ^= 1;
      return { ...envelope, data: data.toString("base64") };
    };
    for (const altered of [flipped(() => 0), flipped(() => 17), flipped((n) => n - 1)]) expect(() => open(altered, keyring, "r1#0")).toThrow(refusal("ENVELOPE_INVALID"));
    expect(() => open(envelope, keyring, "r2#0")).toThrow(refusal("ENVELOPE_INVALID"));
    const standard = keyringFrom({ current: "k1", keys: { k1: master.toString("base64") } }, "standard");
    expect(() => open(seal(Buffer.from("王小明"), standard, "r1#0"), keyring, "r1#0")).toThrow(refusal("ENVELOPE_INVALID"));
    expect(() => open(envelope, standard, "r1#0")).toThrow(refusal("ENVELOPE_INVALID"));
    expect(() => open({ ...envelope, alg: "A256GCM" }, keyring, "r1#0")).toThrow(refusal("ENVELOPE_INVALID"));
  });

  it("re-wraps a data key under a new master key, the sealed data untouched", () => {
    const envelope = seal(Buffer.from("王小明"), keyring, "r1#0");
    const both = keyringFrom({ current: "k2", keys: { k1: master.toString("base64"), k2: randomBytes(32).toString("base64") } }, "national");
    const rewrapped = rewrap(envelope, both);
    expect([rewrapped.kid, rewrapped.data]).toEqual(["k2", envelope.data]);
    expect(open(rewrapped, both, "r1#0").toString()).toBe("王小明");
  });
});

describe("records and identities of the national suite", () => {
  const record = newRecord({ kind: "application", jurisdiction: "440105001000", public: { programme: "dibao" }, personal: { applicant: { name: "王小明", phone: "13812345678" } } }, "national");

  it("commits to each personal field with HMAC-SM3 under its own salt, itself HMAC-SM3 of the name under the record's salt", () => {
    const salt = createHmac("sm3", Buffer.from(record.salt)).update(canonicalize("applicant")).digest("base64url").slice(0, 22);
    expect(fieldSalt("national", record.salt, "applicant")).toBe(salt);
    const commitment = createHmac("sm3", Buffer.from(salt)).update(`["applicant",${canonicalize(record.personal.applicant)}]`).digest("base64url");
    expect(loggedRecord(record).commitments.applicant).toBe(commitment);
    expect(fieldCommitment("national", salt, "applicant", record.personal.applicant)).toBe(commitment);
    expect(fieldCommitment("standard", salt, "applicant", record.personal.applicant)).not.toBe(commitment);
  });

  it("hashes a record with SM3 and its leaf, as every leaf, with SHA-256 (RFC 9162): SHA-256(0x00 || SM3(the record as logged))", () => {
    const digest = createHash("sm3").update(canonicalize(loggedRecord(record))).digest();
    expect(Buffer.from(recordLeaf(record))).toEqual(digest);
    expect(hex(recordHash(record))).toBe(createHash("sha256").update(Buffer.concat([Buffer.of(0), digest])).digest("hex"));
  });

  it("keys identity commitments with HMAC-SM3, so a national deployment's commitments are not a standard one's", () => {
    const bytes = randomBytes(32);
    const national = identityCommitment(identityKey(bytes, "national"), "11010519491231002x");
    expect(national).toBe("0x" + createHmac("sm3", bytes).update("11010519491231002X").digest("hex"));
    expect(identityCommitment(identityKey(bytes, "standard"), "11010519491231002X")).not.toBe(national);
  });
});

describe("a record log of the national suite", () => {
  const logs: RecordLog[] = [];
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close().catch(() => undefined);
  });
  const keyrings = {
    national: keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "national"),
    standard: keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "standard"),
  };
  const openLog = async (dir: string, suite: keyof typeof keyrings, workers = 0) => {
    const log = await RecordLog.open(dir, { logId: id("national 440105"), keyring: keyrings[suite], workers });
    logs.push(log);
    return log;
  };
  const record = (i: number) => newRecord({ kind: "application", jurisdiction: "440105001000", public: { n: i }, personal: { applicant: { name: `申请人${i}` } } }, "national");

  it("logs records whose leaves are the kit's, sealed in SM4 on the appending thread and in workers alike, with checkpoints that name the suite", async () => {
    const log = await openLog(mkdtempSync(join(tmpdir(), "aidtrail-national-")), "national", 1);
    const records = Array.from({ length: 5 }, (_, i) => record(i));
    const appended = await log.append(records);
    appended.forEach((a, i) => expect(a.leafHash).toBe(hexlify(recordHash(records[i]!))));
    expect((await log.stored(0)).sealed.alg).toBe("SM4CTR-HMACSM3");
    expect(await log.record(3)).toEqual(records[3]);
    expect(await log.audit()).toEqual([]);
    const checkpoint = await log.signCheckpoint(Wallet.createRandom());
    expect(checkpoint.suite).toBe("national");
    const evidence = { leafIndex: 2, proof: (await log.inclusionProof(2, 5)).map(hexlify), checkpoint };
    expect(verifyRecord({ ...evidence, record: loggedRecord(records[2]!) }).ok).toBe(true);
    // The same record claimed as of the standard suite: another hash, and a suite the log's checkpoint does not say.
    const downgraded = { ...loggedRecord(records[2]!), suite: "standard" as const };
    expect(verifyRecord({ ...evidence, record: downgraded }).failures.map((f) => f.code)).toEqual(["SUITE_MISMATCH", "PROOF_INVALID"]);
  });

  it("refuses a record of the other suite, and a log of one suite opened in the other (LOG_SUITE_CHANGED)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aidtrail-national-"));
    const log = await openLog(dir, "national");
    const standard = newRecord({ kind: "application", jurisdiction: "440105001000" }, "standard");
    await expect(log.append([standard])).rejects.toMatchObject({ code: "RECORD_INVALID", field: "suite" });
    await log.append([record(0)]);
    await log.close();
    await expect(openLog(dir, "standard")).rejects.toMatchObject({
      code: "LOG_SUITE_CHANGED",
      message: expect.stringMatching(/holds a log of the national cryptographic suite; the deployment is configured for the standard suite/),
    });
    const standardDir = mkdtempSync(join(tmpdir(), "aidtrail-standard-"));
    await (await openLog(standardDir, "standard")).close();
    await expect(openLog(standardDir, "national")).rejects.toMatchObject({ code: "LOG_SUITE_CHANGED" });
    expect((await openLog(dir, "national")).size).toBe(1);
  });
});
