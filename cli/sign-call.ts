import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { PROGRAMME_TABLE, type ProgrammeName } from "../server/chain/domain.ts";
import { deploymentOption, gatewayOption, keystoreOption, rpcOption, run } from "./options.ts";

export const STEPS = ["object", "revise", "activate", "suspend", "resume", "exit", "pay", "reverse", "payout-run", "appropriate", "approve-appropriation", "allocate", "settle"] as const;
export type StepName = (typeof STEPS)[number];

export interface Options {
  gateway: string;
  keystore: string;
  rpc: string;
  deployment: string;
  case?: string;
  reason?: string;
  objector?: string;
  text?: string;
  monthlyIncome?: string;
  changes?: string;
  programme?: ProgrammeName;
  fiscalYear?: string;
  jurisdiction?: string;
  parent?: string;
  allocation?: string;
  proposal?: string;
  amount?: string;
  purpose?: string;
  period?: string;
  batchSize?: string;
  settlement: string[];
  yes?: boolean;
}

export const signCallCommand = () =>
  new Command("sign-call")
    .addArgument(new Argument("<step>", "the step to take").choices(STEPS))
    .addOption(gatewayOption())
    .addOption(keystoreOption())
    .addOption(rpcOption())
    .addOption(deploymentOption())
    .option("--case <caseId>", "object, revise, activate, suspend, resume, exit, pay, reverse: the case")
    .option("--reason <text>", "revise, suspend, resume, exit, reverse: why (sealed as personal data, except a revision's, which is public)")
    .option("--objector <name>", "object: who objects")
    .option("--text <objection>", "object: the objection, as lodged")
    .option("--monthly-income <fen>", "revise: the household's monthly income, corrected")
    .option("--changes <file>", "revise: a JSON file of the fields revised (applicant, household, monthlyIncome, documents); the applicant's resident ID never changes")
    .addOption(new Option("--programme <name>", "appropriate, approve-appropriation, payout-run: the programme").choices(Object.keys(PROGRAMME_TABLE)))
    .option("--fiscal-year <year>", "appropriate, approve-appropriation: the fiscal year")
    .option("--jurisdiction <code>", "appropriate, approve-appropriation, allocate: the 12-digit division code funds go to")
    .option("--proposal <proposalId>", "approve-appropriation: the proposal, as GET /v1/appropriations/proposals lists it")
    .option("--parent <allocationId>", "allocate: the allocation the funds come from")
    .option("--allocation <allocationId>", "pay, payout-run: the allocation paid from")
    .option("--amount <fen>", "appropriate, approve-appropriation, allocate, pay: the amount in fen", (v: string) => {
      if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError("--amount must be a positive whole number of fen");
      return v;
    })
    .option("--purpose <text>", "appropriate, allocate: what the funds are for")
    .option("--period <YYYYMM>", "pay, reverse, payout-run, settle: the period paid (0 for one-off programmes)")
    .option("--batch-size <cases>", "payout-run: cases per payBatch transaction (default 100)")
    .option("--settlement <caseId=reference>", "settle: a payout that arrived and the bank's reference (repeat for more)", (v: string, all: string[]) => [...all, v], [])
    .option("--yes", "sign without asking (for scripts; the summary is still printed)")
    .addHelpText(
      "after",
      "\nExamples:\n  npx aidtrail sign-call suspend --case 0x3f…9a --reason '收入变化待核实' --gateway http://127.0.0.1:8080 --keystore approver.json\n" +
        "  npx aidtrail sign-call object --case 0x3f…9a --objector '邻居' --text '申请人有经营收入' --gateway … --keystore reviewer.json\n" +
        "  npx aidtrail sign-call payout-run --programme dibao --period 202611 --allocation 3 --gateway … --keystore finance.json\n" +
        "  npx aidtrail sign-call reverse --case 0x3f…9a --period 202611 --reason '银行退回：账户已销户' --gateway … --keystore finance.json\n" +
        "  npx aidtrail sign-call appropriate --programme dibao --fiscal-year 2026 --jurisdiction 440105000000 --amount 2000000000 --purpose '海珠区低保资金' --gateway … --keystore finance.json\n" +
        "  npx aidtrail sign-call approve-appropriation --proposal 4 --programme dibao --fiscal-year 2026 --jurisdiction 440105000000 --amount 2000000000 --gateway … --keystore checker.json\n" +
        "  npx aidtrail sign-call allocate --parent 3 --jurisdiction 440105000000 --amount 2000000000 --purpose '转移支付 海珠区' --gateway … --keystore finance.json\n" +
        "  npx aidtrail sign-call settle --period 202611 --settlement 0x3f…9a=ICBC-2026-11-000123 --gateway … --keystore bank.json\n",
    )
    .action(
      // The steps, and ethers with them, are loaded to take a step, not for --help.
      run(async (name: StepName, options: Options) => (await import("./sign-call-steps.ts")).signCall(name, options)),
    );
