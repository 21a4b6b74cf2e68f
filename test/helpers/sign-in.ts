import { Wallet } from "ethers";
import { newSession } from "../../cli/gateway-client.ts";

/** A bearer token for the account of `key`, through the sign-in routes of the gateway at `url`. */
export async function signInAt(url: string, key: string): Promise<string> {
  return `Bearer ${(await newSession(url, new Wallet(key))).token}`;
}
