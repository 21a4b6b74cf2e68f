import { getBytes } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHash, verifyConsistency, verifyInclusion, verifyRecord } from "../kit/index.ts";
import { localGateway } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let caseId: string;

beforeAll(async () => {
  local = await localGateway();
  caseId = await local.takeIn("110101199003074477");
});
afterAll(async () => local?.close());

describe("proof lookups", () => {
  it("gives a record's inclusion proof to the latest anchored checkpoint, which an auditor verifies offline against the chain", async () => {
    const { recordId } = (await local.gateway.state.get<{ recordId: string }>(`case:${caseId}`))!;
    expect((await request(local.gateway.url).get(`/v1/proofs/records/${recordId}`).expect(200)).body.revisions[0].anchored).toBe(false);
    await local.gateway.anchorer.anchorOnce();

    const proof = (await request(local.gateway.url).get(`/v1/proofs/records/${recordId}`).expect(200)).body;
    expect(JSON.stringify(proof)).not.toMatch(/申请人|salt|personal/);
    const [revision] = proof.revisions;
    expect(revision.anchored).toBe(true);
    const head = await local.contracts.anchor.head(proof.checkpoint.logId);
    expect([Number(head.treeSize), head.root]).toEqual([proof.checkpoint.treeSize, proof.checkpoint.root]);
    expect(verifyInclusion(getBytes(revision.leafHash), revision.leafIndex, proof.checkpoint.treeSize, revision.proof.map(getBytes), getBytes(head.root))).toBe(true);

    // The record as the office holds it verifies too (decrypted here through the log, as a caseworker would see it).
    const held = (await local.gateway.log.lookup(recordId, { decrypt: true })).revisions[0]!.record;
    const verdict = verifyRecord({ record: held, leafIndex: revision.leafIndex, proof: revision.proof, checkpoint: proof.checkpoint, anchored: new Map([[Number(head.treeSize), head.root]]) });
    expect(verdict).toMatchObject({ ok: true, recordHash: revision.leafHash });
    expect(Buffer.from(recordHash(held)).toString("hex")).toBe(revision.leafHash.slice(2));
  });

  it("serves the latest checkpoint and consistency proofs between sizes", async () => {
    const first = (await request(local.gateway.url).get("/v1/log/checkpoints/latest").expect(200)).body;
    await local.takeIn("11010519491231002X");
    await local.gateway.anchorer.anchorOnce();
    const latest = (await request(local.gateway.url).get("/v1/log/checkpoints/latest").expect(200)).body;
    expect(latest.treeSize).toBeGreaterThan(first.treeSize);
    const { proof } = (await request(local.gateway.url).get(`/v1/log/consistency?from=${first.treeSize}&to=${latest.treeSize}`).expect(200)).body;
    expect(verifyConsistency(first.treeSize, latest.treeSize, getBytes(first.root), getBytes(latest.root), proof.map(getBytes))).toBe(true);
    expect((await request(local.gateway.url).get(`/v1/log/consistency?from=${latest.treeSize + 5}`).expect(400)).body.error.code).toBe("PROOF_RANGE");
    expect((await request(local.gateway.url).get("/v1/proofs/records/r" + "0".repeat(32)).expect(404)).body.error.code).toBe("RECORD_NOT_FOUND");
  });
});
