import { Wallet } from "ethers";
import request from "supertest";
/** A bearer token for the account of `key`, through the sign-in routes of the gateway at `url`. */
export async function signInAt(url: string, key: string): Promise<string> {
  const wallet = new Wallet(key);
  const { message } = (await request(url).post("/v1/auth/challenge").send({ address: wallet.address }).expect(200)).body;
  const { token } = (await request(url).post("/v1/auth/session").send({ message, signature: await wallet.signMessage(message) }).expect(200)).body;
  return `Bearer ${token}`;
}
