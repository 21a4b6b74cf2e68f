import { connect as contract, interfaceOf } from "../server/chain/contracts.ts";
import { readFileSync } from "node:fs";
import { getAddress, id, NonceManager, type JsonRpcProvider } from "ethers";
import type { Deployment } from "../server/chain/deploy.ts";
import { ROLE_NAMES, type RoleName } from "../server/chain/domain.ts";
import { parse } from "csv-parse/sync";
import { decodeRevert } from "../server/chain/reverts.ts";
import { roleId } from "../server/chain/roles.ts";
import { defaultLogId, readDeployment, readDivisions } from "../server/config.ts";
import { Area, jurisdictionCode, PROGRAMME_TABLE, Stage, type ProgrammeName } from "../server/chain/domain.ts";
import { fenOf, yuan } from "../kit/amounts.ts";
import { toAidtrailError } from "../server/chain/ledger-error.ts";
import { CliError } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { connect } from "./options.ts";

const ACCESS = interfaceOf("AidAccess");
const ANCHOR = interfaceOf("LogAnchor");
const CASES = interfaceOf("CaseRegistry");
const COUNCIL = interfaceOf("GovernanceCouncil");

export interface GovernanceOptions {
  rpc: string;
  deployment: string;
  keystore: string;
}

/** A change governance makes: a call of one of the deployment's contracts, said in plain words. */
export interface Change {
  target: "aidAccess" | "logAnchor" | "caseRegistry" | "governanceCouncil";
  data: string;
  what: string;
}

/**
 * Changes through governance, in one batch. Where a council governs, the first member to ask
 * proposes each change (and confirms it), each next member who asks for the same change confirms
 * it, and the one who brings it to the threshold executes it; where the deployer's key governs
 * (local chains), each is made at once. The transactions of each round are sent together, their
 * nonces counted locally, and waited for together: a province's hundred divisions take a few
 * blocks, not two hundred.
 */
async function governAll(options: GovernanceOptions, plan: (chain: { provider: JsonRpcProvider; deployment: Deployment }) => Promise<readonly Change[]>): Promise<void> {
  const { provider, chainId } = await connect(options.rpc);
  try {
    const deployment = readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId);
    const changes = await plan({ provider, deployment });
    if (changes.length === 0) return void process.stdout.write("nothing to change: the chain has it already\n");
    const key = await openKeystore(options.keystore);
    // Counted locally: a confirmation and an execution back to back would otherwise reuse a nonce
    // from the provider's short request cache.
    const member = new NonceManager(key.connect(provider));
    const say = (line: string): void => void process.stdout.write(line + "\n");
    const targetOf = (change: Change) => {
      const address = deployment.contracts[change.target];
      if (!address) throw new CliError("GOVERNANCE_REQUIRED", `this deployment has no governance council: ${change.what} needs one`, "deploy with --council");
      return address;
    };
    try {
      if (!deployment.contracts.governanceCouncil) {
        if (getAddress(deployment.governance) !== key.address) {
          throw new CliError("GOVERNANCE_REQUIRED", `governance of this deployment is held by ${deployment.governance}, not by ${key.address}`, "sign with the governing key");
        }
        const sent = [];
        for (const change of changes) sent.push(await member.sendTransaction({ to: targetOf(change), data: change.data }));
        const receipts = await Promise.all(sent.map((tx) => tx.wait()));
        changes.forEach((change, i) => say(`${change.what}: done in transaction ${receipts[i]!.hash}`));
        return;
      }
      const council = contract("GovernanceCouncil", deployment.contracts.governanceCouncil, member);
      if (!(await council.isMember(key.address))) {
        throw new CliError("GOVERNANCE_REQUIRED", `${key.address} is not a member of the governance council ${deployment.contracts.governanceCouncil}`, "ask a council member to run this");
      }
      // The same change already proposed and not yet executed is confirmed, not proposed again.
      const executed = new Set((await council.queryFilter(council.filters.ProposalExecuted())).map((e) => e.args.proposalId));
      const created = await council.queryFilter(council.filters.ProposalCreated());
      const rounds = await Promise.all(
        changes.map(async (change) => {
          const open = created.find((e) => getAddress(e.args.target) === getAddress(targetOf(change)) && e.args.data === change.data && !executed.has(e.args.proposalId));
          return { change, open: open?.args.proposalId, confirmed: open ? await council.confirmedBy(open.args.proposalId, key.address) : false };
        }),
      );
      const sent = [];
      for (const round of rounds) {
        if (round.open !== undefined && round.confirmed) say(`proposal ${round.open}: you had confirmed it already`);
        else sent.push({ round, tx: round.open !== undefined ? await council.confirm(round.open) : await council.propose(targetOf(round.change), 0, round.change.data) });
      }
      for (const { round, tx } of sent) {
        const receipt = await tx.wait();
        round.open ??= council.interface.parseLog(receipt!.logs.find((l) => l.address === deployment.contracts.governanceCouncil)!)!.args.proposalId as bigint;
      }
      const threshold = await council.threshold();
      const executions = [];
      for (const { change, open } of rounds) {
        const count = await council.confirmations(open!);
        if (count < threshold) say(`${change.what}: proposal ${open} has ${count} of ${threshold} confirmations; another council member runs the same command to confirm it`);
        else executions.push({ change, proposalId: open!, count, tx: await council.execute(open!) });
      }
      for (const { change, proposalId, count, tx } of executions) {
        say(`${change.what}: proposal ${proposalId} confirmed by ${count} of ${threshold} and executed in transaction ${(await tx.wait())!.hash}`);
      }
    } catch (error) {
      if (decodeRevert(error)) throw toAidtrailError(error);
      throw error;
    }
  } finally {
    provider.destroy();
  }
}

/** An account as given, checksummed: a mixed-case address whose checksum is wrong is refused. */
function checksummed(who: string): string {
  try {
    return getAddress(who);
  } catch {
    throw new CliError("REQUEST_INVALID", `${who} is not an account address: its checksum is wrong`, "copy the address as the officer's wallet shows it, or write it in lower case");
  }
}

/** Grants role `name` to `who` over `jurisdiction`, through governance. */
export async function grant(name: RoleName, who: string, options: GovernanceOptions & { jurisdiction: string }): Promise<void> {
  const account = checksummed(who);
  await governAll(options, async () => [{ target: "aidAccess", data: ACCESS.encodeFunctionData("grantScopedRole", [roleId(name), account, BigInt(options.jurisdiction)]), what: `grant ${name} to ${account} over ${options.jurisdiction}` }]);
}

/**
 * Grants the roles of a roster (CSV: a header, then `role,account,jurisdiction`, one officer's
 * role a line) that the chain does not hold yet, through governance, in one batch: a county's
 * officers in a few blocks, not a round of votes each.
 */
export async function grantRoster(file: string, options: GovernanceOptions): Promise<void> {
  let rows: string[][];
  try {
    rows = parse(readFileSync(file, "utf8"), { bom: true, skip_empty_lines: true, from_line: 2, trim: true, relax_column_count: true });
  } catch (error) {
    throw new CliError("REQUEST_INVALID", `cannot read ${file} as a roster: ${(error as Error).message}`, "give a CSV file: role,account,jurisdiction");
  }
  const grants = rows.map(([name = "", who = "", jurisdiction = ""], i) => {
    if (!(ROLE_NAMES as readonly string[]).includes(name) || !/^\d{12}$/.test(jurisdiction)) {
      throw new CliError("REQUEST_INVALID", `${file} line ${i + 2} is not "role,account,jurisdiction" (a role of ${ROLE_NAMES.join(", ")}, an account, a 12-digit division code)`, "correct that line");
    }
    return { name: name as RoleName, account: checksummed(who), jurisdiction };
  });
  await governAll(options, async ({ provider, deployment }) => {
    const access = contract("AidAccess", deployment.contracts.aidAccess, provider);
    // Asked together: a province's roster is hundreds of questions, none waiting on another.
    const scopes = await Promise.all(grants.map((g) => access.scopeOf(roleId(g.name), g.account)));
    const owed = grants.filter((g, i) => !scopes[i]![0] || jurisdictionCode(scopes[i]![1]) !== g.jurisdiction);
    return owed.map((g) => ({ target: "aidAccess", data: ACCESS.encodeFunctionData("grantScopedRole", [roleId(g.name), g.account, BigInt(g.jurisdiction)]), what: `grant ${g.name} to ${g.account} over ${g.jurisdiction}` }));
  });
}

/** Revokes role `name` from `who`, through governance. */
export async function revoke(name: RoleName, who: string, options: GovernanceOptions): Promise<void> {
  const account = checksummed(who);
  await governAll(options, async () => [{ target: "aidAccess", data: ACCESS.encodeFunctionData("revokeRole", [roleId(name), account]), what: `revoke ${name} from ${account}` }]);
}

/** Registers a county gateway's record log for `jurisdiction` on the log anchor, through governance. */
export async function registerLog(jurisdiction: string, options: GovernanceOptions & { logId?: string }): Promise<void> {
  const logId = options.logId ?? defaultLogId(jurisdiction);
  await governAll(options, async () => [{ target: "logAnchor", data: ANCHOR.encodeFunctionData("registerLog", [logId, BigInt(jurisdiction)]), what: `register log ${logId} for ${jurisdiction}` }]);
}

/**
 * Registers the divisions of a list in the national statistical code list's form (code, name,
 * parent; docs/command-line.md) that the chain does not hold yet, each parent before its
 * children, through governance, in one batch.
 */
export async function registerDivisions(file: string, options: GovernanceOptions): Promise<void> {
  await registerDivisionList(readDivisions(file, (path) => readFileSync(path, "utf8")), file, options);
}

/** Registers one division under its parent, through governance (see registerDivisions). */
export async function registerDivision(code: string, name: string, parent: string | null, options: GovernanceOptions): Promise<void> {
  await registerDivisionList([{ code, name, parent }], "the command line", options);
}

async function registerDivisionList(divisions: readonly { code: string; name: string; parent: string | null }[], source: string, options: GovernanceOptions): Promise<void> {
  await governAll(options, async ({ provider, deployment }) => {
    const access = contract("AidAccess", deployment.contracts.aidAccess, provider);
    // The chain's answer for every division of the list and every parent it names.
    const registered = new Set<string>();
    const named = new Set(divisions.flatMap((d) => (d.parent ? [d.code, d.parent] : [d.code])));
    const answers = await Promise.all([...named].map(async (code) => [code, (await access.jurisdiction(BigInt(code))).registered] as const));
    for (const [code, held] of answers) if (held) registered.add(code);
    const ordered: (typeof divisions)[number][] = [];
    let waiting = divisions.filter((d) => !registered.has(d.code));
    while (waiting.length > 0) {
      const ready = waiting.filter((d) => d.parent === null || registered.has(d.parent));
      if (ready.length === 0) {
        const orphan = waiting[0]!;
        throw new CliError("REQUEST_INVALID", `${source}: division ${orphan.code} (${orphan.name}) names parent ${orphan.parent}, which is neither on the chain nor in the list`, "list every division's parent, or register it first");
      }
      for (const d of ready) registered.add(d.code);
      ordered.push(...ready);
      waiting = waiting.filter((d) => !ready.includes(d));
    }
    return ordered.map((d) => ({ target: "aidAccess", data: ACCESS.encodeFunctionData("registerJurisdiction", [BigInt(d.code), BigInt(d.parent ?? 0)]), what: `register ${d.code} ${d.name} under ${d.parent ?? "the country"}` }));
  });
}

/** The start of a day (China Standard Time) in seconds, from YYYY-MM-DD. */
function dayStart(date: string): number {
  const time = Date.parse(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(time)) throw new CliError("REQUEST_INVALID", `${date} is not a date`, "give it as YYYY-MM-DD");
  return time / 1000;
}

export interface StandardOptions {
  jurisdiction: string;
  programme: ProgrammeName;
  area: "urban" | "rural";
  /** Yuan a person a month (or a case, for a one-off programme), as typed. */
  amount: string;
  /** YYYY-MM-DD, from which it is in force (China Standard Time); today when not given. */
  from?: string;
}

/** Sets an assistance standard (a new version, in force from its date), through governance. */
export async function setStandard(options: GovernanceOptions & StandardOptions): Promise<void> {
  const fen = fenOf(options.amount);
  if (fen === null || BigInt(fen) === 0n || BigInt(fen) >= 2n ** 64n) throw new CliError("REQUEST_INVALID", `${options.amount} is not an amount in yuan`, "give the yuan a person receives, with at most two decimals, above zero");
  const from = options.from ? dayStart(options.from) : Math.floor(Date.now() / 1000);
  const area = options.area === "urban" ? Area.Urban : Area.Rural;
  await governAll(options, async () => [
    {
      target: "caseRegistry",
      data: CASES.encodeFunctionData("setStandard", [BigInt(options.jurisdiction), PROGRAMME_TABLE[options.programme].programme, area, BigInt(fen), from]),
      what: `set the ${options.programme} standard of ${options.jurisdiction} (${options.area}) to ${yuan(fen)} yuan from ${new Date(from * 1000).toISOString().slice(0, 10)}`,
    },
  ]);
}

/** Sets how many officers' signatures a stage's decision needs, through governance. */
export async function setThreshold(options: GovernanceOptions & { jurisdiction: string; programme: ProgrammeName; stage: "review" | "approval"; signatures: number }): Promise<void> {
  const stage = options.stage === "review" ? Stage.Review : Stage.Approval;
  await governAll(options, async () => [
    {
      target: "caseRegistry",
      data: CASES.encodeFunctionData("setThreshold", [BigInt(options.jurisdiction), PROGRAMME_TABLE[options.programme].programme, stage, options.signatures]),
      what: `require ${options.signatures} signature(s) for the ${options.stage} of ${options.programme} cases in ${options.jurisdiction}`,
    },
  ]);
}

/** Pauses or resumes payouts and case steps in a jurisdiction and below it, the reason's hash on chain, through governance. */
export async function setPaused(jurisdiction: string, paused: boolean, reason: string, options: GovernanceOptions): Promise<void> {
  await governAll(options, async () => [{ target: "aidAccess", data: ACCESS.encodeFunctionData("setPaused", [BigInt(jurisdiction), paused, id(reason)]), what: `${paused ? "pause" : "resume"} ${jurisdiction}: ${reason}` }]);
}

/** Adds or removes a member of the governance council, by the council's own vote. */
export async function changeCouncil(change: "add" | "remove", who: string, options: GovernanceOptions): Promise<void> {
  const account = checksummed(who);
  await governAll(options, async () => [{ target: "governanceCouncil", data: COUNCIL.encodeFunctionData(change === "add" ? "addMember" : "removeMember", [account]), what: `${change} council member ${account}` }]);
}

/** The standards in force today for a jurisdiction (set there or above it), read from the chain. */
export async function standardsInForce(jurisdiction: string, options: { rpc: string; deployment: string }): Promise<void> {
  const { provider, chainId } = await connect(options.rpc);
  try {
    const deployment = readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId);
    const standards = contract("AssistanceStandards", deployment.contracts.assistanceStandards, provider);
    const now = (await provider.getBlock("latest"))!.timestamp;
    const lines = [];
    for (const [name, { programme }] of Object.entries(PROGRAMME_TABLE)) {
      for (const [areaName, area] of [["urban", Area.Urban], ["rural", Area.Rural]] as const) {
        try {
          const [amount, setBy] = await standards.standardAt(BigInt(jurisdiction), programme, area, now);
          lines.push(`${name} ${areaName}: ${yuan(amount)} yuan (set by ${jurisdictionCode(setBy)})`);
        } catch (error) {
          if (decodeRevert(error)?.name !== "StandardNotSet") throw error;
          lines.push(`${name} ${areaName}: none in force`);
        }
      }
    }
    process.stdout.write(`standards in force in ${jurisdiction} at block time ${new Date(now * 1000).toISOString()}:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
  } finally {
    provider.destroy();
  }
}
