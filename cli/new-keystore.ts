import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import type { Wallet } from "ethers";
import { CliError } from "./gateway-client.ts";
import { run, secretFromEnv } from "./options.ts";

/**
 * Writes an officer's key as an encrypted JSON keystore (Web3 Secret Storage, which every
 * Ethereum wallet reads), its password from AIDTRAIL_KEYSTORE_PASSWORD(_FILE), never from a flag:
 * a new key, or a demo account's published key from the demo's own demo.json.
 */
export const keystoreCommand = () =>
  new Command("keystore")
    .argument("<file>", "where to write the keystore; an existing file is never overwritten")
    .option("--demo-account <name>", "the demo's account of that name (as .aidtrail/demo.json names it), for trying the demo: its key is public, never give it a role on a real chain")
    .option("--demo <file>", "the demo's demo.json", join(process.env.AIDTRAIL_DATA ?? ".aidtrail", "demo.json"))
    .addHelpText(
      "after",
      "\nExamples:\n  AIDTRAIL_KEYSTORE_PASSWORD_FILE=~/.pass npx aidtrail keystore officer.json            # a new key; give its address to governance\n" +
        "  AIDTRAIL_KEYSTORE_PASSWORD=demo npx aidtrail keystore finance.json --demo-account 'finance officer'\n",
    )
    .action(
      run(async (file: string, options: { demoAccount?: string; demo: string }) => {
        if (existsSync(file)) throw new CliError("KEYSTORE_EXISTS", `${file} exists already; nothing was written`, "choose another file name, or move that one away");
        const password = secretFromEnv("AIDTRAIL_KEYSTORE_PASSWORD");
        if (!password) throw new CliError("KEYSTORE_PASSWORD_MISSING", "no keystore password was given", "set AIDTRAIL_KEYSTORE_PASSWORD, or AIDTRAIL_KEYSTORE_PASSWORD_FILE to a file holding it");
        // ethers is loaded to write a keystore, not for --help.
        const { Wallet } = await import("ethers");
        let wallet: Wallet;
        if (options.demoAccount) {
          let accounts: { name: string; privateKey: string }[];
          try {
            accounts = (JSON.parse(readFileSync(options.demo, "utf8")) as { accounts: { name: string; privateKey: string }[] }).accounts;
          } catch (error) {
            throw new CliError("DEMO_UNREADABLE", `cannot read the demo's accounts from ${options.demo}: ${(error as Error).message}`, "start the demo first (npm start), or name its demo.json with --demo");
          }
          const account = accounts.find((a) => a.name === options.demoAccount);
          if (!account) throw new CliError("DEMO_ACCOUNT_UNKNOWN", `the demo has no account named ${options.demoAccount}`, `its accounts: ${accounts.map((a) => a.name).join(", ")}`);
          wallet = new Wallet(account.privateKey);
        } else {
          wallet = Wallet.createRandom() as unknown as Wallet;
        }
        writeFileSync(file, await wallet.encrypt(password), { mode: 0o600 });
        process.stdout.write(`wrote ${file}, the keystore of account ${wallet.address}\n`);
      }),
    );
