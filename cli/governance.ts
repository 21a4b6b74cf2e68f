import { Command, InvalidArgumentError, Option } from "commander";
import { PROGRAMME_TABLE, ROLE_NAMES, type ProgrammeName, type RoleName } from "../server/chain/domain.ts";
import type { GovernanceOptions, StandardOptions } from "./governance-steps.ts";
import { deploymentOption, keystoreOption, rpcOption, run } from "./options.ts";

/** The governance steps, and ethers and the contracts with them, loaded to take a step, not for --help. */
const steps = () => import("./governance-steps.ts");

const role = (value: string): RoleName => {
  if (!(ROLE_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLE_NAMES.join(", ")}`);
  return value as RoleName;
};
const account = (value: string) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError("must be an account address, 0x and 40 hex digits");
  return value;
};

const withChain = (command: Command) => command.addOption(rpcOption()).addOption(deploymentOption()).addOption(keystoreOption());

export const grantCommand = () =>
  withChain(
    new Command("grant")
      .argument("<role>", ROLE_NAMES.join(" | "), role)
      .argument("<account>", "the officer's account address", account)
      .requiredOption("--jurisdiction <code>", "the 12-digit division the role holds over", (value) => {
        if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
        return value;
      }),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail grant APPROVER 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --jurisdiction 440105000000 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(
      run(async (name: RoleName, who: string, options: GovernanceOptions & { jurisdiction: string }) => (await steps()).grant(name, who, options)),
    );

export const revokeCommand = () =>
  withChain(
    new Command("revoke")
      .argument("<role>", ROLE_NAMES.join(" | "), role)
      .argument("<account>", "the officer's account address", account),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail revoke APPROVER 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(run(async (name: RoleName, who: string, options: GovernanceOptions) => (await steps()).revoke(name, who, options)));

export const registerLogCommand = () =>
  withChain(
    new Command("register-log")
      .argument("<jurisdiction>", "the 12-digit division code whose gateway keeps the log", (value) => {
        if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
        return value;
      })
      .option("--log-id <id>", "the log's id, as the gateway's AIDTRAIL_LOG_ID sets it (default: the gateway's own default for the jurisdiction)", (value) => {
        if (!/^0x[0-9a-f]{64}$/.test(value)) throw new InvalidArgumentError("must be 0x and 64 lower-case hex digits");
        return value;
      }),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail register-log 440105000000 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(
      run(async (jurisdiction: string, options: GovernanceOptions & { logId?: string }) => (await steps()).registerLog(jurisdiction, options)),
    );

const division = (value: string) => {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
  return value;
};
const programme = (value: string): ProgrammeName => {
  if (!(value in PROGRAMME_TABLE)) throw new InvalidArgumentError(`must be one of ${Object.keys(PROGRAMME_TABLE).join(", ")}`);
  return value as ProgrammeName;
};

export const registerDivisionsCommand = () =>
  withChain(new Command("register-divisions").argument("<csv>", "divisions in the national statistical code list's form: a header line, then code,name,parent (the parent empty for a province)"))
    .addHelpText("after", "\nExample:\n  npx aidtrail register-divisions guangdong.csv --rpc http://127.0.0.1:8545 --keystore council-member.json\nDivisions the chain holds already are left out; each parent goes before its children.\n")
    .action(run(async (file: string, options: GovernanceOptions) => (await steps()).registerDivisions(file, options)));

/** The division and programme a standard or a threshold is set for. */
const forProgramme = (command: Command) =>
  command.requiredOption("--jurisdiction <code>", "the division it holds in (and below)", division).requiredOption("--programme <name>", Object.keys(PROGRAMME_TABLE).join(" | "), programme);

export const setStandardCommand = () =>
  withChain(
    forProgramme(new Command("set-standard"))
      .addOption(new Option("--area <area>", "urban or rural").choices(["urban", "rural"]).makeOptionMandatory())
      .requiredOption("--amount <yuan>", "yuan a person a month (a case, for one-off programmes)")
      .option("--from <date>", "in force from this day, YYYY-MM-DD, China Standard Time (default: now)"),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail set-standard --jurisdiction 440100000000 --programme dibao --area urban --amount 1200 --from 2027-01-01 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(run(async (options: GovernanceOptions & StandardOptions) => (await steps()).setStandard(options)));

export const standardsCommand = () =>
  new Command("standards")
    .argument("<jurisdiction>", "the division", division)
    .addOption(rpcOption())
    .addOption(deploymentOption())
    .action(run(async (jurisdiction: string, options: { rpc: string; deployment: string }) => (await steps()).standardsInForce(jurisdiction, options)));

export const setThresholdCommand = () =>
  withChain(
    forProgramme(new Command("set-threshold"))
      .addOption(new Option("--stage <stage>", "review or approval").choices(["review", "approval"]).makeOptionMandatory())
      .requiredOption("--signatures <n>", "officers' signatures a decision needs, 1 to 10", (value) => {
        if (!/^([1-9]|10)$/.test(value)) throw new InvalidArgumentError("must be a whole number from 1 to 10");
        return Number(value);
      }),
  )
    .action(run(async (options: GovernanceOptions & { jurisdiction: string; programme: ProgrammeName; stage: "review" | "approval"; signatures: number }) => (await steps()).setThreshold(options)));

const pauseCommand = (name: "pause" | "resume") =>
  withChain(new Command(name).argument("<jurisdiction>", "the division, and every one below it", division).requiredOption("--reason <text>", "why, as the minutes say it (its hash goes on chain)"))
    .action(run(async (jurisdiction: string, options: GovernanceOptions & { reason: string }) => (await steps()).setPaused(jurisdiction, name === "pause", options.reason, options)));
export const pauseJurisdictionCommand = () => pauseCommand("pause");
export const resumeJurisdictionCommand = () => pauseCommand("resume");

export const councilCommand = () =>
  withChain(new Command("council").argument("<change>", "add | remove", (value) => {
    if (value !== "add" && value !== "remove") throw new InvalidArgumentError("must be add or remove");
    return value;
  }).argument("<account>", "the member's account address", account))
    .action(run(async (change: "add" | "remove", who: string, options: GovernanceOptions) => (await steps()).changeCouncil(change, who, options)));

export const grantRosterCommand = () =>
  withChain(new Command("grant-roster").argument("<csv>", "the officers' roles: a header line, then role,account,jurisdiction"))
    .addHelpText("after", "\nExample:\n  npx aidtrail grant-roster haizhu-officers.csv --rpc http://127.0.0.1:8545 --keystore council-member.json\nRoles the chain holds already are left out.\n")
    .action(run(async (file: string, options: GovernanceOptions) => (await steps()).grantRoster(file, options)));

export const registerDivisionCommand = () =>
  withChain(
    new Command("register-division")
      .argument("<code>", "the division's 12-digit code", division)
      .requiredOption("--name <name>", "its name, as the code list writes it")
      .option("--parent <code>", "the division it is part of (none for a province)", division),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail register-division 440106002000 --name 五山街道 --parent 440106000000 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(run(async (code: string, options: GovernanceOptions & { name: string; parent?: string }) => (await steps()).registerDivision(code, options.name, options.parent ?? null, options)));
