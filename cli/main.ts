import { Command } from "commander";

/**
 * Each command with what it does, and the module that defines it: only the command asked for is
 * loaded, so `aidtrail --help` loads none and `aidtrail verify --help` one, not ethers and every
 * command's dependencies.
 */
const COMMANDS: Record<string, { about: string; load: () => Promise<Command> }> = {
  verify: { about: "check an audit bundle against the chain, trusting neither the gateway nor the bundle; exits 1 when anything fails", load: async () => (await import("./verify.ts")).verifyCommand() },
  "sign-decision": { about: "sign, with your own key, the next review or approval of a case the gateway asks for, after showing in plain words what it says", load: async () => (await import("./sign-decision.ts")).signApprovalCommand() },
  "sign-call": { about: "take a ledger step as your own transaction (lodge an objection, revise, activate, suspend, resume or end a case; pay, reverse a payout, run a month's payouts; propose or approve an appropriation, allocate funds; confirm settlements): the gateway drafts it, you check and sign the transaction with your own key, the gateway relays it", load: async () => (await import("./sign-call.ts")).signCallCommand() },
  status: { about: "the gateway, its chain, its log and how far anchoring lags behind; exits 1 when the gateway is not ready", load: async () => (await import("./status.ts")).statusCommand() },
  export: { about: "export an audit bundle (records' hashes, proofs, checkpoints and chain references) as an auditor, for `aidtrail verify`", load: async () => (await import("./export.ts")).exportCommand() },
  deploy: { about: "deploy the aidtrail contracts to a chain and write the deployment file the gateway and the command line read", load: async () => (await import("./deploy.ts")).deployCommand() },
  grant: { about: "grant a role over a jurisdiction, through governance (a council proposal, confirmed by its members)", load: async () => (await import("./governance.ts")).grantCommand() },
  revoke: { about: "revoke a role, through governance; it stops working at the gateway at once", load: async () => (await import("./governance.ts")).revokeCommand() },
  "register-log": { about: "register a county gateway's record log on the log anchor, through governance: only a registered log is anchored, and an auditor holds a bundle's log to the jurisdiction it was registered for", load: async () => (await import("./governance.ts")).registerLogCommand() },
  "grant-roster": { about: "grant the roles of a roster of officers (CSV: role, account, jurisdiction), through governance, those the chain lacks, in one batch", load: async () => (await import("./governance.ts")).grantRosterCommand() },
  "register-division": { about: "register one division under its parent, through governance", load: async () => (await import("./governance.ts")).registerDivisionCommand() },
  "register-divisions": { about: "register a province's divisions from the national statistical code list (CSV: code, name, parent), through governance, those the chain lacks, in one batch", load: async () => (await import("./governance.ts")).registerDivisionsCommand() },
  "set-standard": { about: "set an assistance standard (programme, area, yuan a person, in force from a date) for a jurisdiction, through governance", load: async () => (await import("./governance.ts")).setStandardCommand() },
  standards: { about: "list the assistance standards in force for a jurisdiction, read from the chain", load: async () => (await import("./governance.ts")).standardsCommand() },
  "set-threshold": { about: "set how many officers' signatures a review or an approval needs, per jurisdiction and programme, through governance", load: async () => (await import("./governance.ts")).setThresholdCommand() },
  pause: { about: "pause payouts and case steps in a jurisdiction and below it, through governance", load: async () => (await import("./governance.ts")).pauseJurisdictionCommand() },
  resume: { about: "resume a paused jurisdiction, through governance", load: async () => (await import("./governance.ts")).resumeJurisdictionCommand() },
  council: { about: "add or remove a member of the governance council, by the council's own vote", load: async () => (await import("./governance.ts")).councilCommand() },
  besu: { about: "write a province's Hyperledger Besu QBFT files: its genesis (validators, Berlin, free gas), and the allowlist of accounts and nodes from the deployment on chain", load: async () => (await import("./besu.ts")).besuCommand() },
  backup: { about: "write a backup of a running gateway's data folder, its personal fields sealed, without stopping it", load: async () => (await import("./backup.ts")).backupCommand() },
  restore: { about: "restore a backup into a new data folder, kept only if its records and roots reproduce what the chain anchored; exits 1 when they do not", load: async () => (await import("./backup.ts")).restoreCommand() },
  keystore: { about: "write an officer's key as an encrypted JSON keystore (the password from AIDTRAIL_KEYSTORE_PASSWORD or AIDTRAIL_KEYSTORE_PASSWORD_FILE): a new key, or a demo account's", load: async () => (await import("./new-keystore.ts")).keystoreCommand() },
};

const program = new Command("aidtrail")
  .description("aidtrail: audit and fund traceability for social assistance on a permissioned ledger")
  .addHelpText("after", "\nExample:\n  npx aidtrail status --gateway http://127.0.0.1:8080\n  npx aidtrail verify <bundle.json> --rpc http://127.0.0.1:8545 --deployment .aidtrail/deployment.json\n\nEach command's own help: npx aidtrail <command> --help\n");

const asked = process.argv[2];
for (const [name, { about, load }] of Object.entries(COMMANDS)) {
  program.addCommand(name === asked ? (await load()).description(about) : new Command(name).description(about));
}
// A usage error exits 2, like any input the command cannot use: 1 means "checked, and it failed".
const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
for (const command of everyCommand(program)) {
  command.showHelpAfterError("(run with --help for usage)").exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

await program.parseAsync();
