import { Command, InvalidArgumentError } from "commander";
import { deploymentOption, gatewayOption, keystoreOption, rpcOption, run } from "./options.ts";

/** The options of `aidtrail sign-decision`. */
export interface DecisionOptions {
  gateway: string;
  keystore: string;
  rpc: string;
  deployment: string;
  reject?: boolean;
  amount?: string;
  householdSize?: string;
  hours: string;
  yes?: boolean;
}

const whole = (field: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${field} must be a whole number`);
  return value;
};

export const signApprovalCommand = () =>
  new Command("sign-decision")
    .argument("<caseId>", "the case, 0x and 64 hex digits")
    .addOption(gatewayOption())
    .addOption(keystoreOption())
    .addOption(rpcOption())
    .addOption(deploymentOption())
    .option("--reject", "sign a rejection instead of an approval")
    .option("--amount <fen>", "the monthly amount granted, in fen (approval stage); left out, the amount of the decision other approvers are signing", whole("--amount"))
    .option("--household-size <n>", "the household size the amount is for (approval stage); the case's own, as the ledger holds it, if left out, and refused if another", whole("--household-size"))
    .option("--hours <n>", "how long a decision opened now stays open for signatures (one being collected keeps its own deadline)", whole("--hours"), "72")
    .option("--yes", "sign without asking (for scripts; the summary is still printed)")
    .addHelpText(
      "after",
      "\nExample:\n  AIDTRAIL_KEYSTORE_PASSWORD_FILE=~/.approver-pass npx aidtrail sign-decision 0x3f…9a --gateway http://127.0.0.1:8080 --keystore approver.json --amount 120000\n",
    )
    .action(
      // The signing, and ethers with it, is loaded to sign, not for --help.
      run(async (caseId: string, options: DecisionOptions) => (await import("./sign-decision-steps.ts")).signApproval(caseId, options)),
    );
