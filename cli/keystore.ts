import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { CliError } from "./gateway-client.ts";
import { secretFromEnv } from "./options.ts";

/**
 * An officer's key from an ethers JSON keystore (scrypt-encrypted). The password comes from
 * AIDTRAIL_KEYSTORE_PASSWORD or AIDTRAIL_KEYSTORE_PASSWORD_FILE (`secretFromEnv`).
 */
export async function openKeystore(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Wallet> {
  let json: string;
  try {
    json = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError("KEYSTORE_UNREADABLE", `cannot read the keystore ${path}: ${(error as Error).message}`, "pass the path of your JSON keystore with --keystore (or AIDTRAIL_KEYSTORE)");
  }
  const password = secretFromEnv("AIDTRAIL_KEYSTORE_PASSWORD", env);
  if (password === undefined) {
    throw new CliError("KEYSTORE_PASSWORD_MISSING", "no keystore password was given", "set AIDTRAIL_KEYSTORE_PASSWORD, or AIDTRAIL_KEYSTORE_PASSWORD_FILE to a file holding it");
  }
  try {
    const wallet = await Wallet.fromEncryptedJson(json, password);
    return wallet instanceof Wallet ? wallet : new Wallet(wallet.privateKey);
  } catch (error) {
    const wrong = /password/i.test((error as Error).message);
    throw new CliError(
      wrong ? "KEYSTORE_PASSWORD_WRONG" : "KEYSTORE_INVALID",
      wrong ? `the password does not open ${path}` : `${path} is not an ethers JSON keystore: ${(error as Error).message}`,
      wrong ? "check AIDTRAIL_KEYSTORE_PASSWORD" : "make one with ethers' Wallet.encrypt, or export it from your wallet as a JSON keystore",
    );
  }
}
