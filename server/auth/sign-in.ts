import { randomBytes } from "node:crypto";
import { getAddress, verifyMessage } from "ethers";
import { SignJWT, jwtVerify } from "jose";
import { AidtrailError } from "../../kit/errors.ts";

/** Sign-in failures: the request may be retried with a fresh challenge. */
export class AuthError extends AidtrailError {
  override name = "AuthError";
}

export interface SignInOptions {
  /** The host name officers see in the message they sign. */
  domain: string;
  uri: string;
  chainId: number;
  jurisdiction: string;
  /** Secret that signs session tokens (HS256); a restart with a new one ends every session. */
  tokenSecret: Uint8Array;
  challengeSeconds?: number;
  sessionSeconds?: number;
  now?: () => Date;
}

const CHALLENGE_SECONDS = 300;
const SESSION_SECONDS = 8 * 3600;
/** Verified tokens remembered at most; the oldest is forgotten first, and verified again if it comes back. */
const VERIFIED_KEPT = 10_000;

/**
 * Officers sign in with their ledger account (EIP-4361 style): the gateway hands out a one-time
 * message, the officer signs it with the key that holds their role, and gets a bearer token that
 * names their address. What the address may do is asked of the chain on every request.
 */
export class SignIn {
  /** Each challenge issued, by nonce: the message exactly as issued, the one a session is given for. */
  readonly #challenges = new Map<string, { message: string; address: string; expires: number }>();
  /**
   * Tokens verified, with the address each names and when it expires: each officer's requests
   * carry one token for hours, and verifying it again through jose's WebCrypto on every request
   * cost more than the rest of the check.
   */
  readonly #verified = new Map<string, { address: string; expires: number }>();

  private readonly options: SignInOptions;

  constructor(options: SignInOptions) {
    this.options = options;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** A message for `address` to sign, good once and for a few minutes. */
  challenge(address: string): string {
    let account: string;
    try {
      account = getAddress(address);
    } catch {
      throw new AuthError("AUTH_ADDRESS_INVALID", `${address} is not an account address`, { field: "address", hint: "send the 0x address of your ledger account" });
    }
    this.#sweep();
    const nonce = randomBytes(16).toString("hex");
    const issued = this.#now();
    const expires = new Date(issued.getTime() + (this.options.challengeSeconds ?? CHALLENGE_SECONDS) * 1000);
    const o = this.options;
    const message = [
      `${o.domain} wants you to sign in with your Ethereum account:`,
      account,
      "",
      `Sign in to the aidtrail gateway of jurisdiction ${o.jurisdiction}.`,
      "",
      `URI: ${o.uri}`,
      "Version: 1",
      `Chain ID: ${o.chainId}`,
      `Nonce: ${nonce}`,
      `Issued At: ${issued.toISOString()}`,
      `Expiration Time: ${expires.toISOString()}`,
    ].join("\n");
    this.#challenges.set(nonce, { message, address: account, expires: expires.getTime() });
    return message;
  }

  /** Who a token is for: this gateway, of this jurisdiction on this chain; a token for another is refused. */
  get #audience(): string {
    return `aidtrail:${this.options.chainId}:${this.options.jurisdiction}`;
  }

  /**
   * A session token for the signer of a challenge this gateway issued, unused and unexpired, and
   * signed exactly as issued: a message with another domain, URI, chain, statement or expiry is
   * what a phishing page relaying the challenge would have an officer sign, and gets nothing.
   */
  async session(message: string, signature: string): Promise<{ token: string; address: string; expiresAt: string }> {
    const nonce = /^Nonce: ([0-9a-f]{32})$/m.exec(message)?.[1];
    const challenge = nonce ? this.#challenges.get(nonce) : undefined;
    if (!challenge) {
      throw new AuthError("AUTH_CHALLENGE_UNKNOWN", "this message is not a challenge the gateway issued, or it was used already", { field: "message", hint: "ask for a new challenge" });
    }
    // Used once, whatever comes of it.
    this.#challenges.delete(nonce!);
    if (message !== challenge.message) {
      const issued = challenge.message.split("\n");
      const line = message.split("\n").findIndex((text, i) => text !== issued[i]);
      throw new AuthError("AUTH_CHALLENGE_ALTERED", `the message is not the one the gateway issued: line ${(line === -1 ? issued.length : line) + 1} differs (${JSON.stringify(issued[line === -1 ? issued.length - 1 : line])} was issued)`, {
        field: "message",
        hint: "a page that asks you to sign a changed sign-in message is not your gateway: ask for a new challenge at the gateway's own address and sign it unchanged",
      });
    }
    if (challenge.expires < this.#now().getTime()) {
      throw new AuthError("AUTH_CHALLENGE_EXPIRED", "the challenge expired before it was signed", { field: "message", hint: "ask for a new challenge and sign it at once" });
    }
    let signer: string;
    try {
      signer = verifyMessage(message, signature);
    } catch {
      signer = "";
    }
    if (signer !== challenge.address) {
      throw new AuthError("AUTH_SIGNATURE_INVALID", `the signature is not by ${challenge.address}, or the message was changed`, { field: "signature", hint: "sign the message exactly as given, with the key of that account" });
    }
    const seconds = this.options.sessionSeconds ?? SESSION_SECONDS;
    const expiresAt = new Date(this.#now().getTime() + seconds * 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(signer)
      .setIssuer(this.options.uri)
      .setAudience(this.#audience)
      .setIssuedAt(Math.floor(this.#now().getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.options.tokenSecret);
    return { token, address: signer, expiresAt: expiresAt.toISOString() };
  }

  /** The address a bearer token names, if this gateway issued it and it has not expired. */
  async verify(token: string): Promise<string> {
    const now = this.#now();
    const known = this.#verified.get(token);
    if (known && known.expires > now.getTime()) return known.address;
    this.#verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, this.options.tokenSecret, { algorithms: ["HS256"], currentDate: now, issuer: this.options.uri, audience: this.#audience });
      const address = getAddress(payload.sub!);
      if (this.#verified.size >= VERIFIED_KEPT) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(token, { address, expires: payload.exp! * 1000 });
      return address;
    } catch {
      throw new AuthError("AUTH_TOKEN_INVALID", "the session token is invalid or expired", { hint: "sign in again: POST /v1/auth/challenge, then /v1/auth/session" });
    }
  }

  #sweep(): void {
    const now = this.#now().getTime();
    for (const [nonce, c] of this.#challenges) if (c.expires < now) this.#challenges.delete(nonce);
  }
}
