import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseNumberOf, parseReceipt } from "../server/cases/receipts.ts";
import { localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

const caseId = "0x3f2a91c07b4e55d1" + "ab".repeat(24);
const code = "7K2M9QXRT4VW";

describe("a receipt as the citizen scans or types it", () => {
  it("reads the QR payload, the case id or the case number with the code, forgiving how the code is typed", () => {
    expect(parseReceipt(`aidtrail:case:${caseId}:${code}`)).toEqual({ caseIdPrefix: caseId, code });
    expect(parseReceipt(`${caseId.slice(2)} ${code.toLowerCase()}`)).toEqual({ caseIdPrefix: caseId, code });
    expect(caseNumberOf(caseId)).toBe("3F2A91C07B4E55D1");
    const prefix = caseId.slice(0, 18);
    expect(parseReceipt(`3F2A91C07B4E55D1，7K2M-9QXR-T4VW`)).toEqual({ caseIdPrefix: prefix, code });
    // Full-width characters from a Chinese keyboard; O typed for 0, l for 1.
    expect(parseReceipt("３F2A91C07B4E55D1 7k2m 9qxr t4vw")).toEqual({ caseIdPrefix: prefix, code });
    expect(parseReceipt("3F2A91C07B4E55D1 7K2M9QXRT4VO")?.code).toBe("7K2M9QXRT4V0");
    expect(parseReceipt("3F2A91C07B4E55D1 7K2M9QXRT4Vl")?.code).toBe("7K2M9QXRT4V1");
  });

  it("is nothing when it is not a receipt", () => {
    for (const text of ["", "3F2A91C07B4E55D1", `3F2A91C07B4E55D1 ${code}X`, "3F2A91C07B4E55 7K2M9QXRT4VW", "3F2A91C07B4E55D1 7K2M9QXRT4VU", `aidtrail:case:${caseId}:${code.toLowerCase()}x`]) {
      expect(parseReceipt(text), text).toBeNull();
    }
  });
});

describe("GET /v1/citizen/case, with the receipt typed", () => {
  let local: Awaited<ReturnType<typeof localGateway>>;
  beforeAll(async () => {
    local = await localGateway({ anchorIntervalMs: 60_000 });
  });
  afterAll(async () => local?.close());
  const look = (receipt: string) => request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", receipt);

  it("opens the case by its case number and code, and by nothing less", async () => {
    const id = await local.takeIn(residentId(701));
    const other = await local.takeIn(residentId(702));
    const [, , , qrCode] = local.receipts.get(id)!.split(":");
    const number = caseNumberOf(id);
    expect((await look(`${number} ${qrCode!.slice(0, 4)}-${qrCode!.slice(4, 8)}-${qrCode!.slice(8)}`).expect(200)).body.caseId).toBe(id);
    expect((await look(`${id} ${qrCode!.toLowerCase()}`).expect(200)).body.caseId).toBe(id);
    // Another case's number with this code, or this number with another code, opens nothing, and says so in Chinese too.
    for (const wrong of [`${caseNumberOf(other)} ${qrCode}`, `${number} ${"2".repeat(12)}`]) {
      const refused = (await look(wrong).expect(401)).body.error;
      expect(refused).toMatchObject({ code: "RECEIPT_INVALID", zh: { message: "这张回执查不到本地的案件" } });
    }
  }, 60_000);
});
