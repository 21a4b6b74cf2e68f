import { interfaceOf } from "../server/chain/contracts.ts";
import { readFileSync } from "node:fs";
import { hexlify, type Interface, type TransactionRequest } from "ethers";
import { PROGRAMMES } from "../server/cases/intake.ts";
import { recordHash, type WholeRecord } from "../kit/record.ts";
import { CliError, signIn } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { yuan } from "../kit/amounts.ts";
import { confirmed } from "./options.ts";
import type { Options, StepName } from "./sign-call.ts";
import { checkTransaction, refuse, trustedChain, type DraftTransaction, type TrustedChain } from "./trusted-chain.ts";

interface Drafted {
  draft: { recordId: string; createdAt: string; salt: string };
  record: WholeRecord;
  recordHash: string;
  transaction: TransactionRequest & DraftTransaction & { from: string; to: string; data: string; chainId: string; nonce: number };
}

interface Relayed {
  recordId: string;
  leafIndex: number;
  ledger: { state: "pending" | "done" | "failed"; transactionHash?: string; error?: { code: string; message: string } };
}

/** A step as the officer asked for it: where it is drafted, and the exact call it must become. */
interface Step {
  path: string;
  fields: Record<string, unknown>;
  /** What the step does, in plain words, given the draft (a reversal's amount is the ledger's, read by the gateway). */
  what: (drafted: Drafted) => string;
  abi: Interface;
  /** The contract of the officer's trusted deployment the call must go to. */
  contract: "caseRegistry" | "fundLedger";
  method: string;
  /**
   * The call's arguments, given the evidence record's hash and the draft. Those the officer
   * cannot know (a reversal's allocation and amount, which the ledger checks; a revision's keyed
   * commitments, which only the gateway's key makes) are taken from the draft, and shown.
   */
  args: (hash: string, drafted: Drafted) => unknown[];
  /** What the evidence record must be about: a case, or a jurisdiction. */
  about: { caseId: string } | { jurisdiction: string };
  /** Fields the evidence record must hold as asked, beyond what the call names. */
  holds?: { public?: Record<string, unknown>; personal?: Record<string, unknown> };
}

function need<T>(value: T | undefined, option: string, step: string): T {
  if (value === undefined) throw new CliError("REQUEST_INVALID", `${step} needs ${option}`, `see aidtrail sign-call --help`);
  return value;
}

function caseOption(o: Options, step: string): string {
  const caseId = need(o.case, "--case <caseId>", step);
  if (!/^0x[0-9a-f]{64}$/.test(caseId)) throw new CliError("REQUEST_INVALID", `${caseId} is not a case id`, "0x and 64 lower-case hex digits, as on the receipt");
  return caseId;
}

function periodOption(o: Options, step: string): number {
  const period = Number(need(o.period, "--period <YYYYMM>", step));
  if (!Number.isInteger(period) || (period !== 0 && !(period % 100 >= 1 && period % 100 <= 12 && period >= 200001 && period <= 299912))) {
    throw new CliError("REQUEST_INVALID", `--period ${o.period} is not a month YYYYMM`, "0 for one-off programmes");
  }
  return period;
}

/** A revision's changes: --monthly-income, and what --changes names (a JSON file of applicant, household, monthlyIncome, assets, bankAccount, documents). */
function revisionChanges(o: Options): Record<string, unknown> {
  let changes: Record<string, unknown> = {};
  if (o.changes !== undefined) {
    try {
      changes = JSON.parse(readFileSync(o.changes, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new CliError("REQUEST_INVALID", `--changes ${o.changes} is not a readable JSON file: ${(error as Error).message}`, "a JSON object with any of applicant, household, monthlyIncome, assets, bankAccount, documents");
    }
    const unknown = Object.keys(changes).filter((k) => !["applicant", "household", "monthlyIncome", "assets", "bankAccount", "documents"].includes(k));
    if (unknown.length > 0) throw new CliError("REQUEST_INVALID", `--changes names ${unknown.join(", ")}, which a revision does not change`, "applicant, household, monthlyIncome, assets, bankAccount, documents");
  }
  if (o.monthlyIncome !== undefined) changes.monthlyIncome = Number(o.monthlyIncome);
  if (Object.keys(changes).length === 0) throw new CliError("REQUEST_INVALID", "revise needs --monthly-income <fen> or --changes <file>", "see aidtrail sign-call --help");
  return changes;
}

function stepOf(name: Exclude<StepName, "payout-run">, o: Options): Step {
  const step = callOf(name, o);
  return { ...step, contract: step.abi.getFunction("decide") ? "caseRegistry" : "fundLedger" };
}

function callOf(name: Exclude<StepName, "payout-run">, o: Options): Omit<Step, "contract"> {
  const cases = interfaceOf("CaseRegistry");
  const funds = interfaceOf("FundLedger");
  switch (name) {
    case "object": {
      const caseId = caseOption(o, name);
      const fields = { objector: { name: need(o.objector, "--objector <name>", name) }, text: need(o.text, "--text <objection>", name) };
      return {
        path: `/v1/cases/${caseId}/objections`,
        fields,
        what: () => `LODGE AN OBJECTION to case ${caseId} in public notice, sending it back to review\n  objector     ${fields.objector.name}\n  objection    ${fields.text}`,
        abi: cases,
        method: "lodgeObjection",
        args: (hash) => [caseId, hash],
        about: { caseId },
        holds: { personal: fields },
      };
    }
    case "revise": {
      const caseId = caseOption(o, name);
      const changes = revisionChanges(o);
      const { documents, ...personal } = changes;
      const fields = { reason: need(o.reason, "--reason <text>", name), ...changes };
      // The commitments are the gateway's to make (its identity key): taken from the draft, checked in number.
      const people = (drafted: Drafted) => cases.decodeFunctionData("reviseRecord", drafted.transaction.data)[0] as { identityCommitment: string; joined: string[]; left: string[] };
      return {
        path: `/v1/cases/${caseId}/revisions`,
        fields,
        what: (drafted) => {
          const { joined, left } = people(drafted);
          return `REVISE the application record of case ${caseId} (the case goes back to review if it was decided)\n  reason       ${fields.reason}\n  changes      ${JSON.stringify(changes)}\n  household    ${joined.length} joined, ${left.length} left`;
        },
        abi: cases,
        method: "reviseRecord",
        args: (hash, drafted) => {
          const { identityCommitment, joined, left } = people(drafted);
          return [{ caseId, recordHash: hash, identityCommitment, joined: [...joined], left: [...left], evidenceHash: hash }];
        },
        about: { caseId },
        holds: { personal, ...(documents === undefined ? {} : { public: { documents } }) },
      };
    }
    case "activate": {
      const caseId = caseOption(o, name);
      return {
        path: `/v1/cases/${caseId}/activate`,
        fields: {},
        what: () => `ACTIVATE case ${caseId}: its public notice is over, payments may start`,
        abi: cases,
        method: "activate",
        args: (hash) => [caseId, hash],
        about: { caseId },
      };
    }
    case "pay": {
      const caseId = caseOption(o, name);
      const period = periodOption(o, name);
      const allocationId = need(o.allocation, "--allocation <allocationId>", name);
      const amount = need(o.amount, "--amount <fen>", name);
      return {
        path: "/v1/payouts",
        fields: { caseId, period, allocationId, amount },
        what: () => `PAY ${yuan(amount)} yuan to case ${caseId} for period ${period}, from allocation ${allocationId}`,
        abi: funds,
        method: "pay",
        args: () => [BigInt(allocationId), caseId, period, BigInt(amount)],
        about: { caseId },
        holds: { public: { period, allocationId, lines: [{ caseId, amount }] } },
      };
    }
    case "reverse": {
      const caseId = caseOption(o, name);
      const period = periodOption(o, name);
      const reason = need(o.reason, "--reason <text>", name);
      // The ledger reverses the payout as it recorded it; the gateway reads which, and the ledger refuses any other.
      const paid = (drafted: Drafted) => drafted.record.public as { allocationId: string; amount: string };
      return {
        path: "/v1/reversals",
        fields: { caseId, period, reason },
        what: (drafted) => `REVERSE the payout of ${yuan(paid(drafted).amount)} yuan to case ${caseId} for period ${period}, crediting allocation ${paid(drafted).allocationId}\n  reason       ${reason}`,
        abi: funds,
        method: "reversePayout",
        args: (hash, drafted) => [BigInt(paid(drafted).allocationId), caseId, period, BigInt(paid(drafted).amount), hash],
        about: { caseId },
        holds: { public: { period }, personal: { reason } },
      };
    }
    case "suspend":
    case "resume":
    case "exit": {
      const caseId = caseOption(o, name);
      const reason = need(o.reason, "--reason <text>", name);
      const verb = { suspend: "SUSPEND the payments of", resume: "RESUME the payments of", exit: "END (exit) the assistance of" }[name];
      return {
        path: name === "exit" ? `/v1/cases/${caseId}/exit` : `/v1/cases/${caseId}/suspension`,
        fields: name === "exit" ? { reason } : { action: name, reason },
        what: () => `${verb} case ${caseId}\n  reason       ${reason}`,
        abi: cases,
        method: name === "exit" ? "terminate" : name,
        args: (hash) => [caseId, hash],
        about: { caseId },
      };
    }
    case "appropriate": {
      const fields = {
        programme: need(o.programme, "--programme <name>", name),
        fiscalYear: Number(need(o.fiscalYear, "--fiscal-year <year>", name)),
        jurisdiction: need(o.jurisdiction, "--jurisdiction <code>", name),
        amount: need(o.amount, "--amount <fen>", name),
        purpose: need(o.purpose, "--purpose <text>", name),
      };
      return {
        path: "/v1/appropriations",
        fields,
        what: () =>
          `PROPOSE an appropriation of ${yuan(fields.amount)} yuan for ${fields.programme}, fiscal year ${fields.fiscalYear}, at jurisdiction ${fields.jurisdiction}\n  purpose      ${fields.purpose}\n  it is made when a second finance officer approves the same terms (sign-call approve-appropriation)`,
        abi: funds,
        method: "proposeAppropriation",
        args: (hash) => [PROGRAMMES[fields.programme], fields.fiscalYear, BigInt(fields.jurisdiction), BigInt(fields.amount), hash],
        about: { jurisdiction: fields.jurisdiction },
      };
    }
    case "approve-appropriation": {
      const proposalId = need(o.proposal, "--proposal <proposalId>", name);
      if (!/^[1-9]\d{0,18}$/.test(proposalId)) throw new CliError("REQUEST_INVALID", `--proposal ${proposalId} is not a proposal id`, "a whole number, as GET /v1/appropriations/proposals lists it");
      // The terms are the checker's own entry, from the budget as passed; the ledger makes the
      // appropriation only if they are those proposed. The purpose is the maker's record, named by its hash.
      const fields = {
        programme: need(o.programme, "--programme <name>", name),
        fiscalYear: Number(need(o.fiscalYear, "--fiscal-year <year>", name)),
        jurisdiction: need(o.jurisdiction, "--jurisdiction <code>", name),
        amount: need(o.amount, "--amount <fen>", name),
      };
      const purposeHash = (drafted: Drafted) => String((drafted.record.public as { purposeHash?: unknown }).purposeHash);
      return {
        path: `/v1/appropriations/${proposalId}/approval`,
        fields,
        what: (drafted) =>
          `APPROVE appropriation proposal ${proposalId}: ${yuan(fields.amount)} yuan for ${fields.programme}, fiscal year ${fields.fiscalYear}, at jurisdiction ${fields.jurisdiction}\n  purpose      the proposer's record ${purposeHash(drafted)}`,
        abi: funds,
        method: "approveAppropriation",
        args: (_hash, drafted) => [BigInt(proposalId), PROGRAMMES[fields.programme], fields.fiscalYear, BigInt(fields.jurisdiction), BigInt(fields.amount), purposeHash(drafted)],
        about: { jurisdiction: fields.jurisdiction },
        holds: { public: { proposalId, ...fields } },
      };
    }
    case "allocate": {
      const fields = {
        parentId: need(o.parent, "--parent <allocationId>", name),
        jurisdiction: need(o.jurisdiction, "--jurisdiction <code>", name),
        amount: need(o.amount, "--amount <fen>", name),
        purpose: need(o.purpose, "--purpose <text>", name),
      };
      return {
        path: "/v1/allocations",
        fields,
        what: () => `ALLOCATE ${yuan(fields.amount)} yuan from allocation ${fields.parentId} down to jurisdiction ${fields.jurisdiction}\n  purpose      ${fields.purpose}`,
        abi: funds,
        method: "allocate",
        args: (hash) => [BigInt(fields.parentId), BigInt(fields.jurisdiction), BigInt(fields.amount), hash],
        about: { jurisdiction: fields.jurisdiction },
      };
    }
    case "settle": {
      const period = periodOption(o, name);
      if (o.settlement.length === 0) throw new CliError("REQUEST_INVALID", "settle needs at least one --settlement <caseId>=<bank reference>", "see aidtrail sign-call --help");
      const settlements = o.settlement.map((pair) => {
        const [caseId, reference] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
        if (!/^0x[0-9a-f]{64}$/.test(caseId) || reference.length === 0) throw new CliError("REQUEST_INVALID", `--settlement ${pair} is not <caseId>=<bank reference>`);
        return { caseId, reference };
      });
      return {
        path: "/v1/settlements",
        fields: { period, settlements },
        what: () => `CONFIRM that the payouts of period ${period} ARRIVED:\n${settlements.map((s) => `    case ${s.caseId}  bank reference ${s.reference}`).join("\n")}`,
        abi: funds,
        method: "confirmSettlements",
        args: (hash) => [period, settlements.map(({ caseId }) => ({ caseId, evidenceHash: hash }))],
        about: settlements.length === 1 ? { caseId: settlements[0]!.caseId } : { jurisdiction: "" },
      };
    }
  }
}

/** Whether `record` holds `expected` in its `part`, value for value. */
function holdsAll(record: Drafted["record"], part: "public" | "personal", expected: Record<string, unknown> | undefined): boolean {
  const fields = record[part] as Record<string, unknown>;
  return Object.entries(expected ?? {}).every(([key, value]) => JSON.stringify(fields[key]) === JSON.stringify(value));
}

/**
 * The gateway is not trusted with what is signed: the record must hash to the hash the call names,
 * be the drafted record and be about what was asked, and the transaction must be from the officer
 * and make exactly the call asked for, byte for byte.
 */
function checkDraft(drafted: Drafted, step: Step, officer: string): void {
  const { record, draft, transaction } = drafted;
  const hash = hexlify(recordHash(record));
  if (hash !== drafted.recordHash) refuse(`the evidence record hashes to ${hash}, not to the ${drafted.recordHash} the gateway gave`);
  if (record.recordId !== draft.recordId || record.createdAt !== draft.createdAt || record.salt !== draft.salt) refuse("the evidence record is not the drafted one");
  if ("caseId" in step.about ? record.caseId !== step.about.caseId : step.about.jurisdiction && record.jurisdiction !== step.about.jurisdiction) {
    refuse(`the evidence record is about ${record.caseId ?? record.jurisdiction}, not what was asked`);
  }
  if (!holdsAll(record, "public", step.holds?.public) || !holdsAll(record, "personal", step.holds?.personal)) refuse("the evidence record does not say what was asked");
  if (transaction.from.toLowerCase() !== officer.toLowerCase()) refuse(`the transaction is from ${transaction.from}, not from your account ${officer}`);
  let expected: string;
  try {
    expected = step.abi.encodeFunctionData(step.method, step.args(hash, drafted));
  } catch {
    return refuse(`the transaction does not make the call asked for (${step.method} naming record ${hash})`);
  }
  if (transaction.data !== expected) refuse(`the transaction does not make the call asked for (${step.method} naming record ${hash})`);
}

function plainWords(drafted: Drafted, step: Step, signer: string): string {
  const { record, transaction } = drafted;
  return [
    `You are about to sign, as ${signer}, a transaction of your own account that will`,
    `  ${step.what(drafted)}`,
    `  evidence     record ${record.recordId}, hash ${drafted.recordHash}`,
    `               ${JSON.stringify({ ...record.public, ...record.personal })}`,
    `  ledger       chain ${transaction.chainId}, contract ${transaction.to}, ${step.method}, nonce ${transaction.nonce}`,
    "",
  ].join("\n");
}

interface DraftedRun {
  run: { runId: string; programme: string; period: number; allocationId: string; lines: { caseId: string; amount: string }[]; skipped: { caseId: string; reason: string }[] };
  draft: { runId: string; startedAt: string; batches: Drafted["draft"][] };
  batches: { record: Drafted["record"]; size: number; transaction: Drafted["transaction"] }[];
}

/**
 * A payout run's draft, checked as a step's is: each batch's payment file is the drafted one and
 * pays what its lines say, of this run, and its transaction is the officer's own, makes exactly
 * that payBatch, and follows the batch before it in the account's nonces; every line of the run
 * is in one batch.
 */
function checkRun(drafted: DraftedRun, asked: { programme: string; period: number; allocationId: string }, officer: string): void {
  const { run, draft, batches } = drafted;
  const funds = interfaceOf("FundLedger");
  if (run.programme !== asked.programme || run.period !== asked.period || run.allocationId !== asked.allocationId) refuse("the run is not the one asked for");
  if (batches.length !== draft.batches.length || batches.length === 0) refuse("the run's batches are not the drafted ones");
  const paid: string[] = [];
  batches.forEach(({ record, transaction }, i) => {
    const lines = (record.public as { lines: { caseId: string; amount: string }[] }).lines;
    const fields = record.public as { runId: string; period: number; allocationId: string };
    if (record.recordId !== draft.batches[i]!.recordId || record.createdAt !== draft.batches[i]!.createdAt || record.salt !== draft.batches[i]!.salt) refuse(`batch ${i + 1}'s payment file is not the drafted one`);
    if (fields.runId !== run.runId || fields.period !== run.period || fields.allocationId !== run.allocationId) refuse(`batch ${i + 1}'s payment file is not of this run`);
    if (transaction.from.toLowerCase() !== officer.toLowerCase()) refuse(`batch ${i + 1}'s transaction is from ${transaction.from}, not from your account ${officer}`);
    if (i > 0 && Number(transaction.nonce) !== Number(batches[0]!.transaction.nonce) + i) refuse(`batch ${i + 1}'s transaction does not follow batch ${i}'s`);
    const expected = funds.encodeFunctionData("payBatch", [BigInt(run.allocationId), run.period, lines.map((l) => ({ caseId: l.caseId, amount: BigInt(l.amount) }))]);
    if (transaction.data !== expected) refuse(`batch ${i + 1}'s transaction does not pay what its payment file says`);
    paid.push(...lines.map((l) => `${l.caseId}=${l.amount}`));
  });
  if (JSON.stringify(paid) !== JSON.stringify(run.lines.map((l) => `${l.caseId}=${l.amount}`))) refuse("the batches do not pay the run's lines");
}

async function payoutRun(o: Options, chain: TrustedChain): Promise<void> {
  const asked = {
    programme: need(o.programme, "--programme <name>", "payout-run"),
    period: periodOption(o, "payout-run"),
    allocationId: need(o.allocation, "--allocation <allocationId>", "payout-run"),
    ...(o.batchSize === undefined ? {} : { batchSize: Number(o.batchSize) }),
  };
  const officer = await openKeystore(o.keystore);
  const session = await signIn(o.gateway, officer);
  const drafted = await session.call<DraftedRun>("/v1/payout-runs/draft", { method: "POST", body: asked });
  checkRun(drafted, asked, officer.address);
  const { run, batches } = drafted;
  const next = await chain.provider.getTransactionCount(officer.address, "pending");
  for (const [i, b] of batches.entries()) await checkTransaction(chain, b.transaction, "fundLedger", next + i);
  const total = run.lines.reduce((sum, l) => sum + BigInt(l.amount), 0n);
  process.stdout.write(
    [
      `You are about to sign, as ${officer.address}, ${batches.length} transaction(s) of your own account that will`,
      `  PAY ${run.lines.length} cases of ${run.programme} for period ${run.period}, ${yuan(total)} yuan in all, from allocation ${run.allocationId}`,
      ...run.lines.map((l) => `    case ${l.caseId}  ${yuan(l.amount)} yuan`),
      `  and skip ${run.skipped.length}:`,
      ...run.skipped.map((s) => `    case ${s.caseId}  ${s.reason}`),
      `  ledger       chain ${batches[0]!.transaction.chainId}, contract ${batches[0]!.transaction.to}, payBatch, nonces ${batches[0]!.transaction.nonce} to ${Number(batches[0]!.transaction.nonce) + batches.length - 1}`,
      "",
    ].join("\n"),
  );
  if (!o.yes && !(await confirmed())) throw new CliError("NOT_SIGNED", "nothing was signed", "run again and answer y, or pass --yes");
  const signedTransactions = [];
  for (const b of batches) signedTransactions.push(await officer.signTransaction(b.transaction));
  const relayed = await session.call<{ runId: string; progress: { lines: number; paid: number }; batches: { state: string; error?: { code: string; message: string } }[] }>("/v1/payout-runs", {
    method: "POST",
    body: { ...asked, draft: drafted.draft, signedTransactions },
  });
  const refused = relayed.batches.filter((b) => b.state === "failed");
  process.stdout.write(`signed and relayed: run ${relayed.runId}, ${relayed.progress.paid} of ${relayed.progress.lines} cases paid on the ledger so far; GET /v1/payout-runs/${relayed.runId} follows it\n`);
  for (const b of refused) process.stdout.write(`  a batch was refused by the ledger: ${b.error?.code} ${b.error?.message}\n`);
  if (refused.length > 0) process.exitCode = 1;
}

async function signStep(name: StepName, options: Options, chain: TrustedChain): Promise<void> {
  if (name === "payout-run") return payoutRun(options, chain);
  const step = stepOf(name, options);
  const officer = await openKeystore(options.keystore);
  const session = await signIn(options.gateway, officer);
  const drafted = await session.call<Drafted>(`${step.path}/draft`, { method: "POST", body: step.fields });
  checkDraft(drafted, step, officer.address);
  await checkTransaction(chain, drafted.transaction, step.contract);
  process.stdout.write(plainWords(drafted, step, officer.address));
  if (!options.yes && !(await confirmed())) throw new CliError("NOT_SIGNED", "nothing was signed", "run again and answer y, or pass --yes");
  const signedTransaction = await officer.signTransaction(drafted.transaction);
  const relayed = await session.call<Relayed>(step.path, { method: "POST", body: { ...step.fields, draft: drafted.draft, signedTransaction } });
  const { ledger } = relayed;
  if (ledger.state === "failed") {
    process.stdout.write(`the evidence record ${relayed.recordId} is logged, but the ledger refused the transaction: ${ledger.error?.code} ${ledger.error?.message}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(
      ledger.state === "done"
        ? `signed and relayed: the ledger took the step in transaction ${ledger.transactionHash}; evidence record ${relayed.recordId} at leaf ${relayed.leafIndex}\n`
        : `signed: evidence record ${relayed.recordId} is logged at leaf ${relayed.leafIndex}; the gateway sends your transaction as soon as the chain answers\n`,
    );
  }
}

/** Takes step `name` as the options say: drafted by the gateway, checked against the trusted chain, signed, relayed. */
export async function signCall(name: StepName, options: Options): Promise<void> {
  const chain = await trustedChain(options);
  try {
    await signStep(name, options, chain);
  } finally {
    chain.provider.destroy();
  }
}
