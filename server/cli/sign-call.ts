import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { hexlify, type Interface, type TransactionRequest } from "ethers";
import { CaseRegistry__factory, FundLedger__factory } from "../../types/ethers-contracts/index.js";
import { PROGRAMMES } from "../cases/intake.ts";
import { recordHash } from "../verify/record.ts";
import { CliError, gatewayCall, signIn } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { yuan } from "./plain-words.ts";
import { confirmed, gatewayOption, keystoreOption, run } from "./options.ts";

interface Drafted {
  draft: { recordId: string; createdAt: string; salt: string };
  record: { recordId: string; createdAt: string; salt: string; caseId: string | null; jurisdiction: string; public: object; personal: object };
  recordHash: string;
  transaction: TransactionRequest & { from: string; to: string; data: string; chainId: string; nonce: number };
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
  what: string;
  abi: Interface;
  method: string;
  /** The call's arguments, given the evidence record's hash. */
  args: (hash: string) => unknown[];
  /** What the evidence record must be about: a case, or a jurisdiction. */
  about: { caseId: string } | { jurisdiction: string };
}

const STEPS = ["suspend", "resume", "exit", "appropriate", "allocate", "settle"] as const;
type StepName = (typeof STEPS)[number];

interface Options {
  gateway: string;
  keystore: string;
  case?: string;
  reason?: string;
  programme?: keyof typeof PROGRAMMES;
  fiscalYear?: string;
  jurisdiction?: string;
  parent?: string;
  amount?: string;
  purpose?: string;
  period?: string;
  settlement: string[];
  yes?: boolean;
}

function need<T>(value: T | undefined, option: string, step: string): T {
  if (value === undefined) throw new CliError("REQUEST_INVALID", `${step} needs ${option}`, `see aidtrail sign-call --help`);
  return value;
}

function stepOf(name: StepName, o: Options): Step {
  const cases = CaseRegistry__factory.createInterface();
  const funds = FundLedger__factory.createInterface();
  switch (name) {
    case "suspend":
    case "resume":
    case "exit": {
      const caseId = need(o.case, "--case <caseId>", name);
      if (!/^0x[0-9a-f]{64}$/.test(caseId)) throw new CliError("REQUEST_INVALID", `${caseId} is not a case id`, "0x and 64 lower-case hex digits, as on the receipt");
      const reason = need(o.reason, "--reason <text>", name);
      const verb = { suspend: "SUSPEND the payments of", resume: "RESUME the payments of", exit: "END (exit) the assistance of" }[name];
      return {
        path: name === "exit" ? `/v1/cases/${caseId}/exit` : `/v1/cases/${caseId}/suspension`,
        fields: name === "exit" ? { reason } : { action: name, reason },
        what: `${verb} case ${caseId}\n  reason       ${reason}`,
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
        what: `APPROPRIATE ${yuan(fields.amount)} yuan for ${fields.programme}, fiscal year ${fields.fiscalYear}, at jurisdiction ${fields.jurisdiction}\n  purpose      ${fields.purpose}`,
        abi: funds,
        method: "appropriate",
        args: (hash) => [PROGRAMMES[fields.programme], fields.fiscalYear, BigInt(fields.jurisdiction), BigInt(fields.amount), hash],
        about: { jurisdiction: fields.jurisdiction },
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
        what: `ALLOCATE ${yuan(fields.amount)} yuan from allocation ${fields.parentId} down to jurisdiction ${fields.jurisdiction}\n  purpose      ${fields.purpose}`,
        abi: funds,
        method: "allocate",
        args: (hash) => [BigInt(fields.parentId), BigInt(fields.jurisdiction), BigInt(fields.amount), hash],
        about: { jurisdiction: fields.jurisdiction },
      };
    }
    case "settle": {
      const period = Number(need(o.period, "--period <YYYYMM>", name));
      if (o.settlement.length === 0) throw new CliError("REQUEST_INVALID", "settle needs at least one --settlement <caseId>=<bank reference>", "see aidtrail sign-call --help");
      const settlements = o.settlement.map((pair) => {
        const [caseId, reference] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
        if (!/^0x[0-9a-f]{64}$/.test(caseId) || reference.length === 0) throw new CliError("REQUEST_INVALID", `--settlement ${pair} is not <caseId>=<bank reference>`);
        return { caseId, reference };
      });
      return {
        path: "/v1/settlements",
        fields: { period, settlements },
        what: `CONFIRM that the payouts of period ${period} ARRIVED:\n${settlements.map((s) => `    case ${s.caseId}  bank reference ${s.reference}`).join("\n")}`,
        abi: funds,
        method: "confirmSettlements",
        args: (hash) => [period, settlements.map(({ caseId }) => ({ caseId, receiptHash: hash }))],
        about: settlements.length === 1 ? { caseId: settlements[0]!.caseId } : { jurisdiction: "" },
      };
    }
  }
}

/**
 * The gateway is not trusted with what is signed: the record must hash to the hash the call names,
 * be the drafted record and be about what was asked, and the transaction must be from the officer
 * and make exactly the call asked for, byte for byte.
 */
function checkDraft(drafted: Drafted, step: Step, officer: string): void {
  const refuse = (why: string) => {
    throw new CliError("PAYLOAD_UNEXPECTED", `${why}; nothing was signed`, "report this gateway to your supervisor");
  };
  const { record, draft, transaction } = drafted;
  const hash = hexlify(recordHash(record));
  if (hash !== drafted.recordHash) refuse(`the evidence record hashes to ${hash}, not to the ${drafted.recordHash} the gateway gave`);
  if (record.recordId !== draft.recordId || record.createdAt !== draft.createdAt || record.salt !== draft.salt) refuse("the evidence record is not the drafted one");
  if ("caseId" in step.about ? record.caseId !== step.about.caseId : step.about.jurisdiction && record.jurisdiction !== step.about.jurisdiction) {
    refuse(`the evidence record is about ${record.caseId ?? record.jurisdiction}, not what was asked`);
  }
  if (transaction.from.toLowerCase() !== officer.toLowerCase()) refuse(`the transaction is from ${transaction.from}, not from your account ${officer}`);
  if (transaction.data !== step.abi.encodeFunctionData(step.method, step.args(hash))) refuse(`the transaction does not make the call asked for (${step.method} naming record ${hash})`);
}

function plainWords(drafted: Drafted, step: Step, signer: string): string {
  const { record, transaction } = drafted;
  return [
    `You are about to sign, as ${signer}, a transaction of your own account that will`,
    `  ${step.what}`,
    `  evidence     record ${record.recordId}, hash ${drafted.recordHash}`,
    `               ${JSON.stringify({ ...record.public, ...record.personal })}`,
    `  ledger       chain ${transaction.chainId}, contract ${transaction.to}, ${step.method}, nonce ${transaction.nonce}`,
    "",
  ].join("\n");
}

export const signCallCommand = () =>
  new Command("sign-call")
    .description("take a ledger step the ledger checks against your own role (suspend, resume or end a case; appropriate or allocate funds; confirm settlements): the gateway drafts it, you check and sign the transaction with your own key, the gateway relays it")
    .addArgument(new Argument("<step>", "the step to take").choices(STEPS))
    .addOption(gatewayOption())
    .addOption(keystoreOption())
    .option("--case <caseId>", "suspend, resume, exit: the case")
    .option("--reason <text>", "suspend, resume, exit: why (kept sealed as personal data)")
    .addOption(new Option("--programme <name>", "appropriate: the programme").choices(Object.keys(PROGRAMMES)))
    .option("--fiscal-year <year>", "appropriate: the fiscal year")
    .option("--jurisdiction <code>", "appropriate, allocate: the 12-digit division code funds go to")
    .option("--parent <allocationId>", "allocate: the allocation the funds come from")
    .option("--amount <fen>", "appropriate, allocate: the amount in fen", (v: string) => {
      if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError("--amount must be a positive whole number of fen");
      return v;
    })
    .option("--purpose <text>", "appropriate, allocate: what the funds are for")
    .option("--period <YYYYMM>", "settle: the period paid (0 for one-off programmes)")
    .option("--settlement <caseId=reference>", "settle: a payout that arrived and the bank's reference (repeat for more)", (v: string, all: string[]) => [...all, v], [])
    .option("--yes", "sign without asking (for scripts; the summary is still printed)")
    .addHelpText(
      "after",
      "\nExamples:\n  npx aidtrail sign-call suspend --case 0x3f…9a --reason '收入变化待核实' --gateway http://127.0.0.1:8080 --keystore approver.json\n" +
        "  npx aidtrail sign-call allocate --parent 3 --jurisdiction 440105000000 --amount 2000000000 --purpose '转移支付 海珠区' --gateway … --keystore finance.json\n" +
        "  npx aidtrail sign-call settle --period 202611 --settlement 0x3f…9a=ICBC-2026-11-000123 --gateway … --keystore bank.json\n",
    )
    .action(
      run(async (name: StepName, options: Options) => {
        const step = stepOf(name, options);
        const officer = await openKeystore(options.keystore);
        const token = await signIn(options.gateway, officer);
        const drafted = await gatewayCall<Drafted>(options.gateway, `${step.path}/draft`, { method: "POST", token, body: step.fields });
        checkDraft(drafted, step, officer.address);
        process.stdout.write(plainWords(drafted, step, officer.address));
        if (!options.yes && !(await confirmed())) throw new CliError("NOT_SIGNED", "nothing was signed", "run again and answer y, or pass --yes");
        const signedTransaction = await officer.signTransaction(drafted.transaction);
        const relayed = await gatewayCall<Relayed>(options.gateway, step.path, { method: "POST", token, body: { ...step.fields, draft: drafted.draft, signedTransaction } });
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
      }),
    );
