import { Command } from "commander";
import { deployCommand } from "./deploy.ts";
import { exportCommand } from "./export.ts";
import { grantCommand, registerLogCommand, revokeCommand } from "./governance.ts";
import { signApprovalCommand } from "./sign-approval.ts";
import { signCallCommand } from "./sign-call.ts";
import { keystoreCommand } from "./new-keystore.ts";
import { statusCommand } from "./status.ts";
import { verifyCommand } from "./verify.ts";

const program = new Command("aidtrail").description("aidtrail: audit and fund traceability for social assistance on a permissioned ledger");

program.addCommand(verifyCommand());
program.addCommand(signApprovalCommand());
program.addCommand(signCallCommand());
program.addCommand(statusCommand());
program.addCommand(exportCommand());
program.addCommand(deployCommand());
program.addCommand(grantCommand());
program.addCommand(revokeCommand());
program.addCommand(registerLogCommand());
program.addCommand(keystoreCommand());
// A usage error exits 2, like any input the command cannot use: 1 means "checked, and it failed".
for (const command of [program, ...program.commands]) {
  command.showHelpAfterError("(run with --help for usage)").exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

await program.parseAsync();
