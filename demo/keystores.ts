import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encryptKeystoreJson } from "ethers";
import type { DemoAccount } from "./seed.ts";

/** The password of every demo keystore: public, as the demo's keys are. */
export const KEYSTORE_PASSWORD = "demo";

/**
 * Each demo account's key as an encrypted JSON keystore (Web3 Secret Storage), the file an officer
 * opens on the pages' sign-in, in `dir`, named after the account. Its scrypt costs 2^14 rather
 * than ethers' 2^17: the key is public anyway, and a phone opens the file in a fraction of the
 * time. A file there already is kept. Answers each account's file by its name.
 */
export async function writeKeystores(dir: string, accounts: DemoAccount[]): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  for (const account of accounts) {
    const file = join(dir, `${account.name.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase()}.json`);
    if (!existsSync(file)) writeFileSync(file, await encryptKeystoreJson({ address: account.address, privateKey: account.privateKey }, KEYSTORE_PASSWORD, { scrypt: { N: 1 << 14 } }));
    files[account.name] = file;
  }
  return files;
}
