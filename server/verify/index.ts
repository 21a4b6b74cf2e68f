export { emptyRoot, equalBytes, leafHash, nodeHash } from "./hash.ts";
export { buildConsistencyPath, buildInclusionPath, memoryRangeHasher, splitPoint } from "./proof.ts";
export type { RangeHasher } from "./proof.ts";
export { consistencyProof, inclusionProof, rootHash } from "./tree.ts";
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from "./verify.ts";
export { VerifyError, VerifyRangeError } from "./errors.ts";
