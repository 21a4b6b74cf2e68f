import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { encryptKeystoreJson, Wallet } from "ethers";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx aidtrail …` as a user runs it: its own process, stdin not a terminal, `env` over this process's. */
export function aidtrail(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return promisify(execFile)(process.execPath, ["bin/aidtrail.js", ...args], { encoding: "utf8", env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Ran) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** An officer's key written as an ethers JSON keystore in `dir` (a cheap scrypt, for the tests' speed); its path. */
export async function writeKeystore(dir: string, name: string, key: string, password: string): Promise<string> {
  const wallet = new Wallet(key);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 1024 } }));
  return file;
}
