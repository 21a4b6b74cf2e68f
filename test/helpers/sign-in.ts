import { Wallet } from "ethers";
import { signIn } from "../../server/cli/gateway-client.ts";

/** A bearer token for the account of `key`, through the sign-in routes of the gateway at `url`. */
export function signInAt(url: string, key: string): Promise<string> {
  return signIn(url, new Wallet(key));
}
