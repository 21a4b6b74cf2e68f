import { id, Wallet, type Signer } from "ethers";
import { deployAidtrail, type Deployment } from "../server/chain/deploy.ts";
import { Area, Programme, Stage, type RoleName } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { defaultLogId } from "../server/config.ts";

/**
 * The demo's jurisdictions and officers. The keys are Hardhat's published development keys:
 * anyone can read them, which is the point of a demo and why they must never hold a role on a
 * real chain.
 */
export const DEMO_JURISDICTIONS = {
  province: { code: "440000000000", name: "广东省", parent: null },
  city: { code: "440100000000", name: "广州市", parent: "440000000000" },
  county: { code: "440105000000", name: "海珠区", parent: "440100000000" },
  township: { code: "440105001000", name: "赤岗街道", parent: "440105000000" },
  // A rural town the real district does not have: the demo needs one beside its urban street.
  town: { code: "440105100000", name: "瀛洲镇", parent: "440105000000" },
} as const;

/** The demo's divisions as the national code list writes them (code, name, parent): the gateway's AIDTRAIL_DIVISIONS. */
export const demoDivisionsCsv = (): string => ["code,name,parent", ...Object.values(DEMO_JURISDICTIONS).map((d) => `${d.code},${d.name},${d.parent ?? ""}`)].join("\n") + "\n";

const DEMO_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
  "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
  "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
  "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1",
] as const;

export interface DemoAccount {
  name: string;
  address: string;
  roles: { role: RoleName; jurisdiction: string }[];
  privateKey: string;
}

/**
 * The gateway's operator relays and anchors: LOG_OPERATOR and nothing else. Every other step is
 * an officer's own, signed with their key. The keys are Hardhat's funded development accounts, so
 * on the simulator every officer has the ether their own transactions cost.
 */
const ACCOUNTS: { name: string; key: number; roles: [RoleName, keyof typeof DEMO_JURISDICTIONS | "nation"][] }[] = [
  { name: "governance (deployer)", key: 0, roles: [["GOVERNANCE", "nation"], ["FINANCE_OFFICER", "nation"]] },
  { name: "gateway operator", key: 1, roles: [["LOG_OPERATOR", "county"]] },
  { name: "caseworker", key: 2, roles: [["CASEWORKER", "township"]] },
  { name: "reviewer", key: 3, roles: [["REVIEWER", "township"]] },
  { name: "caseworker (town)", key: 11, roles: [["CASEWORKER", "town"]] },
  { name: "reviewer (town)", key: 12, roles: [["REVIEWER", "town"]] },
  { name: "county approver 1", key: 4, roles: [["APPROVER", "county"], ["SPECIAL_CATEGORY_READER", "county"]] },
  { name: "county approver 2", key: 5, roles: [["APPROVER", "county"]] },
  { name: "township approver (temporary assistance)", key: 6, roles: [["APPROVER", "township"]] },
  { name: "finance officer", key: 7, roles: [["FINANCE_OFFICER", "county"]] },
  { name: "auditor", key: 8, roles: [["AUDITOR", "province"]] },
  { name: "settlement agent (bank)", key: 9, roles: [["SETTLEMENT_AGENT", "county"]] },
  // An appropriation is made by two finance officers: one proposes it, another approves the same terms.
  { name: "central finance officer (checker)", key: 10, roles: [["FINANCE_OFFICER", "nation"]] },
];

export const DEMO_GOVERNANCE_KEY = DEMO_KEYS[0];
export const DEMO_OPERATOR_KEY = DEMO_KEYS[1];
/** The bearer token the demo's /metrics answers: public, as the demo's keys are. */
export const DEMO_METRICS_TOKEN = "aidtrail-demo-metrics";

const codeOf = (j: keyof typeof DEMO_JURISDICTIONS | "nation") => (j === "nation" ? "000000000000" : DEMO_JURISDICTIONS[j].code);

/** A county budget line the demo's payouts draw on. */
export interface DemoBudget {
  programme: Programme;
  fiscalYear: number;
  allocationId: string;
}

/**
 * Deploys the contracts and sets up the demo province: its tree, officers, standards, thresholds,
 * and the county's budgets for `fiscalYears`.
 */
export async function seedDemo(governance: Signer, fiscalYears: number[]): Promise<{ deployment: Deployment; accounts: DemoAccount[]; budgets: DemoBudget[] }> {
  const { deployment, contracts } = await deployAidtrail(governance);
  const { access, standards, cases, funds, anchor } = contracts;
  const tx = async (sent: Promise<{ wait(): Promise<unknown> }>) => (await sent).wait();
  const j = DEMO_JURISDICTIONS;
  // Parents first: the table lists the tree from the province down.
  for (const d of Object.values(j)) await tx(access.registerJurisdiction(BigInt(d.code), BigInt(d.parent ?? 0)));

  const accounts: DemoAccount[] = [];
  for (const account of ACCOUNTS) {
    const wallet = new Wallet(DEMO_KEYS[account.key]);
    for (const [role, where] of account.roles) {
      if (role !== "GOVERNANCE") await tx(access.grantScopedRole(roleId(role), wallet.address, BigInt(codeOf(where))));
    }
    accounts.push({ name: account.name, address: wallet.address, roles: account.roles.map(([role, where]) => ({ role, jurisdiction: codeOf(where) })), privateKey: wallet.privateKey });
  }

  await tx(standards.setStandard(BigInt(j.city.code), Programme.Dibao, Area.Urban, 120_000n, 0));
  await tx(standards.setStandard(BigInt(j.city.code), Programme.Dibao, Area.Rural, 90_000n, 0));
  await tx(standards.setStandard(BigInt(j.city.code), Programme.Tekun, Area.Urban, 156_000n, 0));
  await tx(standards.setStandard(BigInt(j.city.code), Programme.Tekun, Area.Rural, 117_000n, 0));
  await tx(standards.setStandard(BigInt(j.province.code), Programme.Temporary, Area.Urban, 300_000n, 0));
  await tx(standards.setStandard(BigInt(j.province.code), Programme.Temporary, Area.Rural, 300_000n, 0));
  for (const programme of [Programme.Dibao, Programme.Tekun, Programme.Temporary]) {
    await tx(cases.setThreshold(BigInt(j.province.code), programme, Stage.Review, 1));
    await tx(cases.setThreshold(BigInt(j.province.code), programme, Stage.Approval, 2));
  }
  await tx(cases.setThreshold(BigInt(j.township.code), Programme.Temporary, Stage.Approval, 1));
  // The county gateway's record log, registered for the county: only its operator anchors it.
  await tx(anchor.registerLog(defaultLogId(j.county.code), BigInt(j.county.code)));

  // A budget for each programme and fiscal year the demo pays in: the central appropriation (made
  // by two finance officers), its transfer to the province and the province's to the county.
  const checker = funds.connect(new Wallet(DEMO_KEYS[10], governance.provider));
  const budgets: DemoBudget[] = [];
  let proposals = 0n;
  for (const fiscalYear of fiscalYears) {
    for (const [programme, amount] of [[Programme.Dibao, 10_000_000_000_00n], [Programme.Tekun, 2_000_000_000_00n], [Programme.Temporary, 500_000_000_00n]] as const) {
      const terms = [programme, fiscalYear, 0n, amount, id(`中央财政困难群众救助补助资金 ${fiscalYear} ${programme}`)] as const;
      await tx(funds.proposeAppropriation(...terms));
      await tx(checker.approveAppropriation(++proposals, ...terms));
      const central = await funds.allocationCount();
      await tx(funds.allocate(central, BigInt(j.province.code), amount / 10n, id(`转移支付 广东省 ${fiscalYear} ${programme}`)));
      await tx(funds.allocate(central + 1n, BigInt(j.county.code), amount / 1000n, id(`转移支付 海珠区 ${fiscalYear} ${programme}`)));
      budgets.push({ programme, fiscalYear, allocationId: (central + 2n).toString() });
    }
  }
  return { deployment, accounts, budgets };
}
