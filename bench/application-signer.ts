/**
 * Signs applications as their caseworkers do, fast enough to sign a bench run's tens of thousands
 * before it starts: the EIP-712 digest is hashed by hand (the domain separator and type hash once)
 * and signed with @noble/curves' secp256k1, the curve code ethers itself signs with, without
 * ethers' typed-data encoder and signer around it, which took milliseconds an application.
 * The identities it signs are the gateway's commitments of the applicant and the household,
 * computed with the gateway's identity key, as `POST /v1/cases/draft` answers them.
 * `check` compares the first signature with ethers' own, so that the shortcut cannot drift.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { secp256k1 } from "@noble/curves/secp256k1";
import { getBytes, id, recoverAddress, TypedDataEncoder, type BaseWallet } from "ethers";
import { applicationAuthorisation, applicationRecord, newApplicationEnvelope, type ApplicationInput } from "../server/records/kinds/application.ts";
import { householdCommitments } from "../server/records/identity.ts";
import type { HashKey } from "../server/records/keyed-hash.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash, type ApplicationAuthorisation } from "../kit/decision.ts";

const TYPE_HASH = getBytes(id(TypedDataEncoder.from(APPLICATION_TYPES).encodeType("ApplicationAuthorisation")));

const word = (n: bigint) => getBytes("0x" + n.toString(16).padStart(64, "0"));

/** Signs for the CaseRegistry `registry` on chain `chainId`, with the commitments of the gateway whose identity key is `identityKey`. */
export function applicationSigner(chainId: bigint | number, registry: string, identityKey: HashKey) {
  const domain = decisionDomain(chainId, registry);
  const separator = getBytes(TypedDataEncoder.hashDomain(domain));
  const keys = new WeakMap<BaseWallet, Uint8Array>();

  /** keccak256(0x1901 ‖ domain separator ‖ hashStruct(message)), as EIP-712 defines it. */
  const digest = (m: ApplicationAuthorisation) => {
    const words = [TYPE_HASH, getBytes(m.caseId), word(BigInt(m.programme)), word(BigInt(m.area)), word(m.jurisdiction), getBytes(m.recordHash), getBytes(m.identities), word(m.deadline)];
    const struct = new Uint8Array(words.length * 32);
    words.forEach((w, i) => struct.set(w, i * 32));
    const whole = new Uint8Array(2 + 64);
    whole.set([0x19, 0x01]);
    whole.set(separator, 2);
    whole.set(keccak_256(struct), 34);
    return keccak_256(whole);
  };

  /** The body of `POST /v1/cases` for `fields` in a fresh envelope, signed by `caseworker` until `deadline`, and what was signed. */
  const sign = (fields: ApplicationInput, caseworker: BaseWallet, deadline: bigint) => {
    const envelope = newApplicationEnvelope();
    // The commitments as the gateway's draft computes them, with its key: in production the
    // caseworker's form has them from POST /v1/cases/draft (see bench/gateway.ts).
    const people = householdCommitments(identityKey, fields.applicant, fields.household);
    const message = applicationAuthorisation(fields, applicationRecord(fields, envelope, caseworker.address, identityKey.suite), identitiesHash(people.applicant, people.household), deadline);
    let key = keys.get(caseworker);
    if (!key) keys.set(caseworker, (key = getBytes(caseworker.privateKey)));
    const signature = secp256k1.sign(digest(message), key);
    const hex = signature.toCompactHex() + (27 + signature.recovery).toString(16);
    return { body: { ...fields, envelope, deadline: deadline.toString(), signature: "0x" + hex }, message };
  };

  /** Throws unless the digest is ethers' and the signature recovers to the caseworker, as the ledger will check. */
  const check = (fields: ApplicationInput, caseworker: BaseWallet, deadline: bigint) => {
    const { body, message } = sign(fields, caseworker, deadline);
    const expected = TypedDataEncoder.hash(domain, APPLICATION_TYPES, message);
    if ("0x" + Buffer.from(digest(message)).toString("hex") !== expected) throw new Error("the bench's EIP-712 digest is not ethers'");
    if (recoverAddress(expected, body.signature) !== caseworker.address) throw new Error("the bench's signature does not recover to its caseworker");
  };

  return { sign, check };
}
