/**
 * The parts of the kit that check a record against an anchored root without secp256k1, and so
 * without ethers: a record's canonical form and hash, and an RFC 9162 inclusion proof folded up to
 * a root; and amounts in yuan as people read them. What a page that must load little (the
 * citizen's, on a phone) needs; published as `aidtrail/verify/proofs`.
 */
export { yuan } from "./amounts.ts";
export { canonicalize } from "./canonical.ts";
export { equalBytes } from "./hash.ts";
export { recordHash } from "./record.ts";
export { rootFromInclusionProof } from "./proof-check.ts";
