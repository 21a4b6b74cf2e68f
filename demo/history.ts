import { Wallet, type JsonRpcProvider, type TransactionRequest } from "ethers";
import { gatewayCall, newSession } from "../cli/gateway-client.ts";
import { checkCharacter } from "../kit/resident-id.ts";
import { CaseStatus, nameOf, Programme } from "../server/chain/domain.ts";
import { addMonths, periodAt, startOf } from "../server/funds/periods.ts";
import { connect } from "../server/chain/contracts.ts";
import { DEMO_JURISDICTIONS, type DemoAccount, type DemoBudget } from "./seed.ts";

/**
 * The demo county's past year, lived through its gateway as its officers work: each month new
 * applications at the urban street and the rural town, reviewed, approved by the county's two
 * approvers (temporary assistance by the street's own), noticed and activated; the month's payout
 * runs and the bank's return confirmed; and what a year brings: neighbours' objections, citizens'
 * complaints, a suspension and its resumption, an exit, a payment returned by the bank and
 * reversed. Every step is the officer's own, signed with their key, through the same routes the
 * pages and the CLI use. The chain's clock is moved to each step's day; the gateway's follows it
 * (AIDTRAIL_CLOCK=ledger), so records carry the dates their steps have on the ledger. The month
 * now is left with work in every worklist: applications to review, decisions to approve, cases in
 * public notice and the month's payout run.
 */

const DAY = 24 * 3600;
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = ["秀英", "桂兰", "建国", "志强", "玉梅", "海燕", "国华", "丽娟", "文杰", "春花", "永红", "德明", "小军", "淑珍", "金凤", "伟", "芳", "敏", "静", "磊", "洋", "勇", "艳", "娟", "强", "军", "平", "刚", "霞", "辉"];
const RELATIONS = ["配偶", "子女", "子女", "父母"];

/** The demo's citizen, whose receipt the banner gives: a year of payments, a complaint answered by the record. */
export interface DemoReceipt {
  caseId: string;
  caseNumber: string;
  code: string;
  qr: string;
}

interface Household {
  programme: "dibao" | "tekun" | "temporary";
  area: "urban" | "rural";
  jurisdiction: string;
  applicant: { name: string; residentId: string };
  household: { name: string; relation: string; residentId: string }[];
  monthlyIncome: number;
  assets: { kind: "savings" | "vehicle" | "property" | "other"; value: number }[];
  bankAccount: { bank: string; account: string; holder: string };
  /** The monthly amount (a one-off's amount) the approvers grant, in fen. */
  amount: bigint;
}

interface Taken extends Household {
  caseId: string;
  receipt: DemoReceipt;
}

/** An officer of the demo: their wallet, their session at the gateway. */
interface Officer {
  wallet: Wallet;
  call<T>(path: string, init?: { method?: string; body?: unknown; accept?: number[] }): Promise<T>;
}

/** Asks `outstanding` every 50 ms until it says nothing is (null), for at most 20 s; then throws what it said last. */
async function waitFor(outstanding: () => Promise<string | null>): Promise<void> {
  for (let tries = 0; ; tries++) {
    const behind = await outstanding();
    if (behind === null) return;
    if (tries === 400) throw new Error(`${behind}, after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

export async function seedHistory(options: { gatewayUrl: string; chain: JsonRpcProvider; caseRegistry: string; accounts: DemoAccount[]; budgets: DemoBudget[]; progress?: (line: string) => void }): Promise<DemoReceipt> {
  const { gatewayUrl, chain, accounts, budgets } = options;
  const progress = options.progress ?? (() => undefined);
  const registry = connect("CaseRegistry", options.caseRegistry, chain);
  const officer = async (name: string): Promise<Officer> => {
    const account = accounts.find((a) => a.name === name);
    if (!account) throw new Error(`the demo has no officer named ${name}`);
    const wallet = new Wallet(account.privateKey);
    const { token } = await newSession(gatewayUrl, wallet);
    return { wallet, call: (path, init = {}) => gatewayCall(gatewayUrl, path, { ...init, token: `Bearer ${token}` }) };
  };
  const street = { caseworker: await officer("caseworker"), reviewer: await officer("reviewer") };
  const town = { caseworker: await officer("caseworker (town)"), reviewer: await officer("reviewer (town)") };
  const approvers = [await officer("county approver 1"), await officer("county approver 2")];
  const streetApprover = await officer("township approver (temporary assistance)");
  const finance = await officer("finance officer");
  const bank = await officer("settlement agent (bank)");
  const office = (h: Household) => (h.jurisdiction === DEMO_JURISDICTIONS.town.code ? town : street);

  /** Moves the chain's clock to `time` (seconds) by mining a block then, unless it is there already. */
  const at = async (time: number) => {
    const latest = (await chain.getBlock("latest"))!.timestamp;
    if (time <= latest) return;
    await chain.send("evm_setNextBlockTimestamp", [time]);
    await chain.send("evm_mine", []);
  };
  /** Waits until the ledger holds each case at `status` (the gateway relays decisions and applications from its outbox). */
  const until = (cases: Taken[], status: keyof typeof CaseStatus) =>
    waitFor(async () => {
      const words = await registry.caseWords(cases.map((c) => c.caseId));
      const behind = cases.findIndex((_, i) => Number(words[i]! & 0xffn) !== CaseStatus[status]);
      return behind === -1 ? null : `case ${cases[behind]!.caseId} is ${nameOf(CaseStatus, Number(words[behind]! & 0xffn))} on the ledger, not ${status}`;
    });

  // Everyone a resident ID of their own: the district's code, a birthday, a serial number.
  let serial = 0;
  const person = (born: number) => {
    serial++;
    const body = `440105${born}${String(1 + (serial % 12)).padStart(2, "0")}${String(1 + (serial % 28)).padStart(2, "0")}${String(serial % 1000).padStart(3, "0")}`;
    return { name: SURNAMES[serial % SURNAMES.length]! + GIVEN[(serial * 7) % GIVEN.length]!, residentId: body + checkCharacter(body) };
  };
  /** The n-th household of a month's applications: two in five at the rural town, most for dibao. */
  const householdOf = (n: number): Household => {
    const rural = n % 5 < 2;
    const kind = n % 10 === 9 && !rural ? "temporary" : n % 7 === 3 ? "tekun" : "dibao";
    const size = kind === "tekun" ? 1 : 1 + (n % 4);
    const applicant = person(1950 + (n % 45));
    const household = Array.from({ length: size - 1 }, (_, i) => ({ ...person(1955 + ((n + i * 13) % 60)), relation: RELATIONS[i]! }));
    const standard = { dibao: rural ? 90_000n : 120_000n, tekun: rural ? 117_000n : 156_000n, temporary: 300_000n }[kind];
    const monthlyIncome = kind === "dibao" ? Number((standard * BigInt(size) * BigInt(n % 6)) / 10n) : 0;
    const amount = kind === "temporary" ? 100_000n + BigInt(n % 5) * 50_000n : standard * BigInt(size) - BigInt(monthlyIncome);
    // A little savings, and in the town the family's house; paid into an account at the local bank.
    const assets = [{ kind: "savings" as const, value: 50_000 * (n % 9) }, ...(rural ? [{ kind: "property" as const, value: 8_000_000 + 100_000 * (n % 20) }] : [])];
    const bankAccount = { bank: rural ? "广州农村商业银行瀛洲支行" : "中国工商银行广州赤岗支行", account: `62220202${String(100_000_000_00 + n).slice(-11)}`, holder: applicant.name };
    return { programme: kind, area: rural ? "rural" : "urban", jurisdiction: rural ? DEMO_JURISDICTIONS.town.code : DEMO_JURISDICTIONS.township.code, applicant, household, monthlyIncome, assets, bankAccount, amount };
  };

  const takeIn = async (households: Household[]): Promise<Taken[]> => {
    const taken: Taken[] = [];
    await inParallel(households, 8, async (h, i) => {
      const { caseworker } = office(h);
      const fields = { programme: h.programme, area: h.area, jurisdiction: h.jurisdiction, applicant: h.applicant, household: h.household, monthlyIncome: h.monthlyIncome, assets: h.assets, bankAccount: h.bankAccount, documents: [] };
      const drafted = await caseworker.call<{ domain: object; types: Record<string, { name: string; type: string }[]>; message: Record<string, unknown>; envelope: object; deadline: string }>("/v1/cases/draft", { method: "POST", body: fields });
      const signature = await caseworker.wallet.signTypedData(drafted.domain, drafted.types, drafted.message);
      const { caseId, receipt } = await caseworker.call<{ caseId: string; receipt: DemoReceipt }>("/v1/cases", { method: "POST", body: { ...fields, envelope: drafted.envelope, deadline: drafted.deadline, signature } });
      taken[i] = { ...h, caseId, receipt };
    });
    await until(taken, "Submitted");
    return taken;
  };

  /** A decision as its signers give it: the request opened by the first, signed by each, relayed. */
  const decide = async (c: Taken, signers: Officer[], query = "") => {
    const payload = await signers[0]!.call<{ domain: object; types: Record<string, { name: string; type: string }[]>; message: Record<string, unknown> }>(`/v1/cases/${c.caseId}/decision-request${query}`);
    const signatures = await Promise.all(signers.map(async (s) => ({ signer: s.wallet.address, signature: await s.wallet.signTypedData(payload.domain, payload.types, payload.message) })));
    await signers[0]!.call(`/v1/cases/${c.caseId}/decisions`, { method: "POST", body: { decision: payload.message, signatures } });
  };
  const review = async (cases: Taken[]) => {
    await inParallel(cases, 8, (c) => decide(c, [office(c).reviewer]));
    await until(cases, "Reviewed");
  };
  const approve = async (cases: Taken[]) => {
    await inParallel(cases, 8, (c) => decide(c, c.programme === "temporary" ? [streetApprover] : approvers, `?amount=${c.amount}`));
    await until(cases, "InNotice");
  };

  /**
   * An officer's own ledger step (see SignedCall): drafted by the gateway, the transaction signed
   * with their key, relayed. One officer's steps go one after another, each with the next nonce.
   */
  const step = async (who: Officer, path: string, fields: object) => {
    const drafted = await who.call<{ draft: object; transaction: TransactionRequest }>(`${path}/draft`, { method: "POST", body: fields });
    const signedTransaction = await who.wallet.signTransaction(drafted.transaction);
    const relayed = await who.call<{ ledger: { state: string; error?: { code: string; message: string } } }>(path, { method: "POST", body: { ...fields, draft: drafted.draft, signedTransaction } });
    if (relayed.ledger.state !== "done") throw new Error(`${path}: the ledger step is ${relayed.ledger.state}${relayed.ledger.error ? `: ${relayed.ledger.error.code} ${relayed.ledger.error.message}` : ""}`);
  };
  /**
   * Activations at the end of public notice: each office's caseworker activates half its cases, a
   * county approver (who may activate too) the other half, side by side, each one after another.
   */
  const activate = async (cases: Taken[]) => {
    const byOfficer = new Map<Officer, Taken[]>();
    cases.forEach((c, i) => {
      const o = i % 2 === 0 ? office(c).caseworker : approvers[Number(office(c) === town)]!;
      byOfficer.set(o, [...(byOfficer.get(o) ?? []), c]);
    });
    await Promise.all([...byOfficer].map(async ([o, mine]) => {
      for (const c of mine) await step(o, `/v1/cases/${c.caseId}/activate`, {});
    }));
  };

  const budgetFor = (programme: Household["programme"], fiscalYear: number) => {
    const found = budgets.find((b) => b.programme === Programme[({ dibao: "Dibao", tekun: "Tekun", temporary: "Temporary" } as const)[programme]] && b.fiscalYear === fiscalYear);
    if (!found) throw new Error(`the demo has no budget for ${programme} in ${fiscalYear}`);
    return found.allocationId;
  };

  /** The month's payout runs, as the finance officer takes them: drafted, each batch signed, relayed; then followed until paid. */
  const payoutRuns = async (period: number) => {
    for (const programme of ["dibao", "tekun"] as const) {
      const fields = { programme, period, allocationId: budgetFor(programme, Math.floor(period / 100)) };
      const drafted = await finance.call<{ draft: object; batches: { transaction: TransactionRequest }[] }>("/v1/payout-runs/draft", { method: "POST", body: fields });
      const signedTransactions: string[] = [];
      for (const b of drafted.batches) signedTransactions.push(await finance.wallet.signTransaction(b.transaction));
      const run = await finance.call<{ runId: string }>("/v1/payout-runs", { method: "POST", body: { ...fields, draft: drafted.draft, signedTransactions } });
      await waitFor(async () => {
        const progress = await finance.call<{ batches: { state: string; error?: { code: string } }[] }>(`/v1/payout-runs/${run.runId}`);
        const failed = progress.batches.find((b) => b.state === "failed");
        if (failed) throw new Error(`the ${programme} payout run of ${period} failed: ${failed.error?.code}`);
        return progress.batches.every((b) => b.state === "done") ? null : `the ${programme} payout run of ${period} is not paid`;
      });
    }
  };
  /** The bank's return for `period`, confirmed by its settlement agent: every payout outstanding but those `returned`. */
  const settle = async (period: number, returned: string[] = []) => {
    const { payouts } = await bank.call<{ payouts: { caseId: string }[] }>(`/v1/settlements/outstanding?period=${period}`);
    const arrived = payouts.filter((p) => !returned.includes(p.caseId));
    for (let i = 0; i < arrived.length; i += 500) {
      const settlements = arrived.slice(i, i + 500).map((p, n) => ({ caseId: p.caseId, reference: `GZBANK-${period}-${String(i + n + 1).padStart(5, "0")}` }));
      await step(bank, "/v1/settlements", { period, settlements });
    }
  };

  const now = Math.floor(Date.now() / 1000);
  const current = periodAt(now);
  const first = addMonths(current, -12);
  const dayOf = (period: number, day: number, hour = 10) => startOf(period) + (day - 1) * DAY + hour * 3600;
  const everyone: Taken[] = [];
  let receipt: DemoReceipt | null = null;
  let applications = 0;
  const newHouseholds = (count: number) => Array.from({ length: count }, () => householdOf(applications++));

  for (let period = first; period < current; period = addMonths(period, 1)) {
    await at(dayOf(period, 2));
    const cohort = await takeIn(newHouseholds(period === first ? 160 : 12));
    await at(dayOf(period, 4));
    await review(cohort);
    await at(dayOf(period, 6));
    await approve(cohort);
    // A neighbour objects to two cases in notice: they go back to review, and are decided again.
    const objected = period === first ? cohort.filter((c) => c.programme === "dibao").slice(-2) : [];
    if (objected.length > 0) {
      await at(dayOf(period, 8));
      for (const c of objected) {
        await step(office(c).caseworker, `/v1/cases/${c.caseId}/objections`, { objector: { name: "邻居（匿名）" }, text: "申请人家中新购置了小汽车，家庭经济状况可能与申报不符，请核实。" });
      }
      await until(objected, "Submitted");
      await at(dayOf(period, 10));
      await review(objected);
      for (const c of objected) c.amount = (c.amount * 8n) / 10n;
      await approve(objected);
    }
    await at(dayOf(period, 14));
    await activate(cohort.filter((c) => !objected.includes(c)));
    if (objected.length > 0) {
      await at(dayOf(period, 18));
      await activate(objected);
    }
    everyone.push(...cohort);
    // Temporary assistance is paid once, from the budget of the year it is paid in.
    await at(dayOf(period, 19));
    for (const c of cohort.filter((c) => c.programme === "temporary")) {
      await step(finance, "/v1/payouts", { caseId: c.caseId, period: 0, allocationId: budgetFor("temporary", Math.floor(period / 100)), amount: c.amount.toString() });
    }
    await at(dayOf(period, 20));
    await payoutRuns(period);
    // The bank returns one payment, once: the account was closed. The finance officer reverses it.
    const dibao = everyone.filter((c) => c.programme === "dibao");
    const returned = addMonths(first, 3) === period ? [dibao[5]!.caseId] : [];
    await at(dayOf(period, 25));
    await settle(period, returned);
    await settle(0);
    for (const caseId of returned) await step(finance, "/v1/reversals", { caseId, period, reason: "银行退回：收款账户已销户，待申请人提供新账户后重新发放" });
    // A suspension (income reported risen) and its resumption; an exit; citizens' complaints.
    if (addMonths(first, 4) === period) await step(approvers[0]!, `/v1/cases/${dibao[7]!.caseId}/suspension`, { action: "suspend", reason: "入户核查发现家庭成员已就业，收入待核实，暂停发放" });
    if (addMonths(first, 6) === period) await step(approvers[0]!, `/v1/cases/${dibao[7]!.caseId}/suspension`, { action: "resume", reason: "核实后家庭收入仍低于标准，恢复发放" });
    if (addMonths(first, 8) === period) await step(approvers[1]!, `/v1/cases/${dibao[9]!.caseId}/exit`, { reason: "家庭人均收入连续三个月超过低保标准，停止救助" });
    if (period === first) {
      receipt = dibao[0]!.receipt;
      await complain(dibao[0]!, "上个月的钱到账晚了几天，请问是什么原因？", "13800000001");
    }
    if (addMonths(first, 7) === period) await complain(dibao[12]!, "社区没有告诉我复核需要准备哪些材料。", "13800000002");
    progress(`${period}: ${everyone.length} cases, the month's payouts made and settled`);
  }

  // This month's work waits: applications to review, decisions to approve, cases in public notice.
  const thisMonth = await (async () => {
    await at(Math.max(now - 3 * DAY, dayOf(current, 1, 9)));
    return takeIn(newHouseholds(18));
  })();
  // The first six wait for review, the next six for approval, the last six are in public notice.
  const [toApprove, inNotice] = [thisMonth.slice(6, 12), thisMonth.slice(12)];
  await at(Math.max(now - 2 * DAY, dayOf(current, 1, 11)));
  await review([...toApprove, ...inNotice]);
  await at(Math.max(now - DAY, dayOf(current, 1, 14)));
  await approve(inNotice);
  // The chain's clock comes back to the wall clock, and the demo goes on in real time.
  await at(now);
  return receipt!;

  /** A citizen's complaint, sent from the citizen page with their receipt. */
  async function complain(c: Taken, text: string, contact: string) {
    const response = await fetch(new URL("/v1/citizen/feedback", gatewayUrl), { method: "POST", headers: { "content-type": "application/json", "x-aidtrail-receipt": c.receipt.qr }, body: JSON.stringify({ kind: "complaint", text, contact }) });
    if (response.status !== 201) throw new Error(`a complaint on case ${c.caseId} was refused: ${await response.text()}`);
  }
}
