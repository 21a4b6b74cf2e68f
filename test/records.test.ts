import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyringFrom, open, rewrap, seal, sealer } from "../server/records/envelope.ts";
import { identityCommitment, identityKey, normaliseResidentId } from "../server/records/identity.ts";
import { parseRecordJson } from "../server/records/parse.ts";
import { newRecord, openRecord, storedText, type StoredRecord } from "../server/records/record.ts";
import { canonicalize, disclosureMismatches, fieldSalt, loggedRecord, recordHash, recordLeaf, SUITES } from "../kit/index.ts";

const key = () => randomBytes(32).toString("base64");

function expectCode(action: () => unknown, code: string, message?: RegExp) {
  try {
    action();
  } catch (error) {
    expect((error as { code?: string }).code, String(error)).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
    return error as { code: string; field?: string; hint?: string };
  }
  throw new Error(`expected an error with code ${code}`);
}

describe("canonicalize (RFC 8785)", () => {
  it("gives the RFC's own example output", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts keys by UTF-16 code units, as the RFC's sorting example shows", () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it("sorts keys that look like array indexes, and a __proto__ key, at any depth as text", () => {
    const input = JSON.parse('{"z":{"10":"ten","9":"nine","b":[{"y":1,"x":2}]},"a":{"__proto__":{"q":1,"p":2}},"m":[3,{"2":0,"1":0}]}');
    expect(canonicalize(input)).toBe('{"a":{"__proto__":{"p":2,"q":1}},"m":[3,{"1":0,"2":0}],"z":{"10":"ten","9":"nine","b":[{"x":2,"y":1}]}}');
    const plain = { b: [{ d: 1, c: [true, { f: null, e: "é" }] }], a: 0.1 };
    expect(canonicalize(plain)).toBe('{"a":0.1,"b":[{"c":[true,{"e":"é","f":null}],"d":1}]}');
    expect(plain.b[0]).toEqual({ d: 1, c: [true, { f: null, e: "é" }] });
  });

  it("serialises numbers as the RFC's appendix B does", () => {
    const cases: [number, string][] = [
      [0, "0"], [-0, "0"], [5e-324, "5e-324"], [1.7976931348623157e308, "1.7976931348623157e+308"],
      [9007199254740992, "9007199254740992"], [1e21, "1e+21"], [9.999999999999997e22, "9.999999999999997e+22"],
      [0.000001, "0.000001"], [9.999999999999997e-7, "9.999999999999997e-7"], [333333333.3333332, "333333333.3333332"],
      [295147905179352830000, "295147905179352830000"], [-1.7976931348623157e308, "-1.7976931348623157e+308"],
    ];
    for (const [value, text] of cases) expect(canonicalize(value)).toBe(text);
  });

  it("hashes equal records alike whatever their key order or number spelling", () => {
    const header = { format: 2, suite: "standard", recordId: "r" + "0".repeat(32), revision: 0, kind: "document", caseId: null, jurisdiction: "440105001000", createdAt: "2026-12-07T00:00:00.000Z", commitments: {} } as const;
    const a = { ...header, public: JSON.parse('{"b": 1.50, "a": {"y": 1e2, "x": [true, null]}}') };
    const b = { public: JSON.parse('{"a": {"x": [true, null], "y": 100}, "b": 1.5}'), ...header };
    expect(Buffer.from(recordHash(a))).toEqual(Buffer.from(recordHash(b)));
  });

  it("refuses what JSON cannot carry faithfully, naming where it is", () => {
    expect(expectCode(() => canonicalize({ a: [1, Number.NaN] }), "RECORD_NOT_CANONICALISABLE", /\$\.a\[1\] is NaN/).field).toBe("$.a[1]");
    expectCode(() => canonicalize({ a: Number.POSITIVE_INFINITY }), "RECORD_NOT_CANONICALISABLE", /Infinity/);
    expectCode(() => canonicalize({ a: "\ud800" }), "RECORD_NOT_CANONICALISABLE", /lone surrogate/);
    expectCode(() => canonicalize({ ["\udc00"]: 1 }), "RECORD_NOT_CANONICALISABLE", /key with a lone surrogate/);
    expectCode(() => canonicalize({ a: undefined }), "RECORD_NOT_CANONICALISABLE", /undefined/);
    expectCode(() => canonicalize({ a: 1n }), "RECORD_NOT_CANONICALISABLE", /bigint/);
    expectCode(() => canonicalize({ a: new Date(0) }), "RECORD_NOT_CANONICALISABLE", /Date object/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expectCode(() => canonicalize(cycle), "RECORD_NOT_CANONICALISABLE", /refers back to itself/);
  });
});

describe("parsing records from the wire", () => {
  it("refuses malformed JSON, duplicate keys at any depth, and oversized records", () => {
    expectCode(() => parseRecordJson('{"a": 1,}'), "RECORD_MALFORMED_JSON");
    expectCode(() => parseRecordJson("{'a': 1}"), "RECORD_MALFORMED_JSON");
    expect(expectCode(() => parseRecordJson('{"a": {"b": 1, "b": 2}}'), "RECORD_DUPLICATE_KEY", /\$\.a has the key "b" twice/).field).toBe("$.a.b");
    expectCode(() => parseRecordJson('[{"x": 1, "x": 1}]'), "RECORD_DUPLICATE_KEY");
    // Strings that look like keys are not keys; escaped quotes do not end a string.
    expect(parseRecordJson('{"a": "\\"b\\": 1", "c": ["d:", "e" ]}')).toEqual({ a: '"b": 1', c: ["d:", "e"] });
    expect(expectCode(() => parseRecordJson('{"a": "x\\":", "b": [{"c": 1}, {"c" : 1, "c":2}]}'), "RECORD_DUPLICATE_KEY").field).toBe("$.b[1].c");
    expectCode(() => parseRecordJson('{"__proto__": 1, "__proto__": 2}'), "RECORD_DUPLICATE_KEY");
    expectCode(() => parseRecordJson(JSON.stringify({ a: "x".repeat(2000) }), 1024), "RECORD_TOO_LARGE", /limit is 1024/);
    expect(parseRecordJson('{"a": [1, 2.5, "三"], "b": null}')).toEqual({ a: [1, 2.5, "三"], b: null });
  });
});

describe("resident IDs and identity commitments", () => {
  const k = identityKey(randomBytes(32), "standard");

  it("folds spellings of one ID into one commitment", () => {
    const spellings = ["11010519491231002X", "11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ"];
    expect(new Set(spellings.map(normaliseResidentId))).toEqual(new Set(["11010519491231002X"]));
    expect(new Set(spellings.map((s) => identityCommitment(k, s))).size).toBe(1);
    expect(identityCommitment(k, "110101199003074477")).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("depends on the deployment key, so the commitment confirms no guess without it", () => {
    expect(identityCommitment(k, "110101199003074477")).not.toBe(identityCommitment(identityKey(randomBytes(32), "standard"), "110101199003074477"));
  });

  it("refuses IDs with a wrong check character, date or length, saying which", () => {
    expectCode(() => normaliseResidentId("110101199003074478"), "IDENTITY_INVALID", /check character/);
    expectCode(() => normaliseResidentId("110101199002304477"), "IDENTITY_INVALID", /birth date/);
    expectCode(() => normaliseResidentId("110101299003074477"), "IDENTITY_INVALID", /birth date/);
    expectCode(() => normaliseResidentId("11010119900307447"), "IDENTITY_INVALID", /17 digits/);
    expectCode(() => normaliseResidentId("11010119900307447A"), "IDENTITY_INVALID", /17 digits/);
    expectCode(() => identityKey(randomBytes(16), "standard"), "IDENTITY_INVALID", /at least 32 bytes/);
  });
});

describe("envelope encryption", () => {
  it("opens only with its context and refuses altered data", () => {
    const keyring = keyringFrom({ current: "k1", keys: { k1: key() } }, "standard");
    const envelope = seal(Buffer.from("王小明"), keyring, "r1#0");
    expect(open(envelope, keyring, "r1#0").toString()).toBe("王小明");
    expectCode(() => open(envelope, keyring, "r2#0"), "ENVELOPE_INVALID");
    const data = Buffer.from(envelope.data, "base64");
    data[14]! ^= 1;
    expectCode(() => open({ ...envelope, data: data.toString("base64") }, keyring, "r1#0"), "ENVELOPE_INVALID");
  });

  it("seals a batch under one data key, wrapped once, each value under its own nonce and bound to its own context", () => {
    const keyring = keyringFrom({ current: "k1", keys: { k1: key() } }, "standard");
    const seal = sealer(keyring);
    const [a, b] = [seal(Buffer.from("王小明"), "r1#0"), seal(Buffer.from("王小明"), "r2#0")];
    expect(a.key).toBe(b.key);
    expect(a.data.slice(0, 16)).not.toBe(b.data.slice(0, 16));
    expect([open(a, keyring, "r1#0").toString(), open(b, keyring, "r2#0").toString()]).toEqual(["王小明", "王小明"]);
    // One record's sealed data moved onto another does not open there.
    expectCode(() => open({ ...b, data: a.data }, keyring, "r2#0"), "ENVELOPE_INVALID");
    // A fresh sealer, a fresh data key.
    expect(sealer(keyring)(Buffer.from("x"), "r3#0").key).not.toBe(a.key);
  });

  it("re-wraps under a new master key without touching the data", () => {
    const k1 = key();
    const k2 = key();
    const old = keyringFrom({ current: "k1", keys: { k1 } }, "standard");
    const both = keyringFrom({ current: "k2", keys: { k1, k2 } }, "standard");
    const envelope = seal(Buffer.from("secret"), old, "c");
    const rewrapped = rewrap(envelope, both);
    expect([rewrapped.kid, rewrapped.data]).toEqual(["k2", envelope.data]);
    expect(open(rewrapped, keyringFrom({ current: "k2", keys: { k2 } }, "standard"), "c").toString()).toBe("secret");
    expectCode(() => open(envelope, keyringFrom({ current: "k2", keys: { k2 } }, "standard"), "c"), "KEY_UNKNOWN");
  });

  it("validates the keyring once, at start", () => {
    expectCode(() => keyringFrom({ current: "k1", keys: { k1: Buffer.alloc(16).toString("base64") } }, "standard"), "KEY_INVALID", /16 bytes, not 32/);
    expectCode(() => keyringFrom({ current: "k9", keys: { k1: key() } }, "standard"), "KEY_INVALID", /not in the keyring/);
  });
});

describe("records", () => {
  const keyring = keyringFrom({ current: "k1", keys: { k1: key() } }, "standard");

  it("salt every record with 128 random bits, so equal content hashes differently", () => {
    const input = { kind: "application" as const, jurisdiction: "440105001000", personal: { name: "王小明" } };
    const a = newRecord(input, "standard");
    const b = newRecord(input, "standard");
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(recordHash(a))).not.toEqual(Buffer.from(recordHash(b)));
  });

  it("keeps personal fields and salt sealed at rest and restores the record exactly", () => {
    const record = newRecord({ kind: "application", jurisdiction: "440105001000", public: { programme: "dibao", householdSize: 2 }, personal: { name: "王小明", phone: "13812345678" } }, "standard");
    const stored = JSON.parse(storedText(record, canonicalize(loggedRecord(record)), sealer(keyring))) as StoredRecord;
    const atRest = JSON.stringify(stored);
    for (const secret of ["王小明", "13812345678", record.salt]) expect(atRest).not.toContain(secret);
    expect(atRest).toContain("dibao");
    expect(openRecord(stored, keyring)).toEqual(record);
  });

  it.each(SUITES)("logs each personal field as a salted commitment, which a disclosure of that field alone opens (%s suite)", (suite) => {
    const record = newRecord({ kind: "application", jurisdiction: "440105001000", public: { programme: "dibao" }, personal: { name: "王小明", phone: "13812345678", household: [{ name: "王小红" }] } }, suite);
    const logged = loggedRecord(record);
    expect(Object.keys(logged.commitments).sort()).toEqual(["household", "name", "phone"]);
    const leaf = Buffer.from(recordLeaf(record)).toString();
    for (const secret of ["王小明", "13812345678", "王小红", record.salt]) expect(leaf).not.toContain(secret);
    // Each field has its own salt: the phone's tells nothing of the name's.
    const salts = ["name", "phone", "household"].map((name) => fieldSalt(suite, record.salt, name));
    expect(new Set(salts).size).toBe(3);
    for (const salt of salts) expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // A disclosure of the phone alone: it hashes as the logged record does, and opens its commitment.
    const disclosed = { ...logged, personal: { phone: "13812345678" }, salts: { phone: salts[1]! } };
    expect(Buffer.from(recordHash(disclosed))).toEqual(Buffer.from(recordHash(record)));
    expect(disclosureMismatches(disclosed)).toEqual([]);
    // A changed phone behind the commitment is caught, and so is a value moved to another field.
    const changed = { ...disclosed, personal: { phone: "13900000000" } };
    expect(disclosureMismatches(changed)).toEqual(["phone"]);
    expect(Buffer.from(recordHash(changed))).not.toEqual(Buffer.from(recordHash(record)));
    expect(disclosureMismatches({ ...logged, personal: { name: "13812345678" }, salts: { name: salts[1]! } })).toEqual(["name"]);
    expect(expectCode(() => recordHash({ ...logged, personal: { phone: "13812345678" }, salts: {} }), "RECORD_INVALID").field).toBe("salts.phone");
  });

  it("refuses a record with a malformed field, naming it", () => {
    expect(expectCode(() => newRecord({ kind: "letter" as never, jurisdiction: "440105001000" }, "standard"), "RECORD_INVALID").field).toBe("kind");
    expect(expectCode(() => newRecord({ kind: "application", jurisdiction: "4401" }, "standard"), "RECORD_INVALID").field).toBe("jurisdiction");
    expect(expectCode(() => newRecord({ kind: "application", jurisdiction: "440105001000", caseId: "0x12" }, "standard"), "RECORD_INVALID").field).toBe("caseId");
  });
});
