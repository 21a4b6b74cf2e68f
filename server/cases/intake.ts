import { hexlify } from "ethers";
import { jsonSafe } from "../chain/domain.ts";
import { applicationAuthorisation, applicationRecord, AREAS, newApplicationEnvelope, PROGRAMMES, type ApplicationEnvelope, type ApplicationInput } from "../records/kinds/application.ts";
import { householdCommitments } from "../records/identity.ts";
import type { HashKey } from "../records/keyed-hash.ts";
import { publicName } from "../records/public-name.ts";
import type { AidRecord } from "../records/record.ts";
import type { OutboxEntry } from "../sync/outbox.ts";
import type { StateStore } from "../state/state-store.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash } from "../../kit/decision.ts";
import { AidtrailError } from "../../kit/errors.ts";
import { recordHash } from "../../kit/record.ts";
import { ledgerAction, type LedgerActionContext, type LedgerActionResult } from "../sync/ledger-action.ts";
import type { PendingApplications } from "./pending-applications.ts";
import { newReceipt, type Receipt } from "./receipts.ts";
import { KEYS } from "../state/keys.ts";

export { AREAS, PROGRAMMES, type ApplicationEnvelope, type ApplicationInput };

/** A person's place in a case, kept under their identity commitment (KEYS.person): found by their resident ID, for a stated purpose. */
export interface PersonEntry {
  caseId: string;
  as: "applicant" | "member";
}

/** The person index's entries of `commitments` in a case. */
export const personEntries = (caseId: string, commitments: readonly string[], as: PersonEntry["as"]): Record<string, PersonEntry> =>
  Object.fromEntries(commitments.map((c) => [KEYS.person(c, caseId), { caseId, as }]));

/** What the gateway knows of a case beyond the ledger: where its records are, its receipt. */
export interface CaseEntry {
  caseId: string;
  recordId: string;
  jurisdiction: string;
  programme: keyof typeof PROGRAMMES;
  outbox: string;
  receiptCodeHash: string;
  createdAt: string;
  /** The applicant's name as a public notice shows it (publicName); absent for cases taken in before it was kept. */
  publicName?: string;
}

/** The gateway's entry for a case it took in, or a 404 naming the case. */
export async function caseEntryOf(state: StateStore, caseId: string): Promise<CaseEntry> {
  const entry = await state.get<CaseEntry>(KEYS.case(caseId));
  if (!entry) throw new AidtrailError("CASE_NOT_FOUND", `no case ${caseId} was taken in at this gateway`, { kind: "not-found", field: "caseId" });
  return entry;
}

/** How a refusal names the jurisdiction of a case (see caseJurisdiction): not by its code. */
export const OVER_THE_CASE = "the case's jurisdiction";

/**
 * The jurisdiction an officer's roles over a case are checked against: the case's own, or, for a
 * case this gateway never took in, the gateway's (`county`). An officer without rights then gets
 * the same refusal for a case that does not exist as for one they may not see, and learns nothing
 * of which cases exist; one with rights over the whole county learns that it does not.
 */
export async function caseJurisdiction(state: StateStore, caseId: string, county: string): Promise<string> {
  return (await state.get<CaseEntry>(KEYS.case(caseId)))?.jurisdiction ?? county;
}

/** An application as `POST /v1/cases` takes it: its fields, the envelope its record was built in, and the caseworker's authorisation. */
export interface SignedApplication extends ApplicationInput {
  envelope: ApplicationEnvelope;
  /** Until when (seconds, by the ledger's clock) the ledger takes it. */
  deadline: bigint;
  /** The caseworker's EIP-712 signature of its ApplicationAuthorisation, 65 bytes in hex. */
  signature: string;
}

export interface IntakeResult {
  caseId: string;
  receipt: Receipt;
  recordId: string;
  recordHash: string;
  leafIndex: number;
  ledger: Pick<OutboxEntry, "state" | "transactionHash" | "blockNumber" | "error">;
}

export interface IntakeContext extends LedgerActionContext {
  identityKey: HashKey;
  pending: PendingApplications;
}

/** An envelope is signed within a day of being made, as a signed call's draft is. */
const ENVELOPE_LIFETIME_MS = 24 * 3600 * 1000;
/** The deadline a draft gets when the request names none, from the ledger's clock. */
const DRAFT_DEADLINE_S = 24 * 3600;

/**
 * Takes in an application its caseworker signed, as a ledger action (see ledgerAction). The
 * record is rebuilt from the request (applicationRecord), with the signed-in officer as its intake
 * officer and its caseworker on the ledger, and the identity commitments computed here from the
 * resident IDs sent (the key is the gateway's; a client's are never taken); the ledger's dry run
 * then checks the caseworker's signature over that record's hash and those commitments in order,
 * their role, and every identity rule, so a signature over anything else, a replayed case id or a
 * person with an open case writes nothing. A chain that does not answer
 * does not stop intake: the relayer sends the application when it does. The citizen's receipt
 * code is returned once and kept only as an HMAC (see receipts.ts). `authorized`, the officer's
 * role check if still under way, must pass before anything is written.
 */
export async function intakeCase(ctx: IntakeContext, officer: string, application: SignedApplication, authorized?: Promise<unknown>): Promise<IntakeResult> {
  const { envelope, deadline, signature, ...input } = application;
  if (!(await ctx.chain.within(envelope.createdAt, ENVELOPE_LIFETIME_MS))) {
    throw new AidtrailError("APPLICATION_ENVELOPE_EXPIRED", `the application's record was made at ${envelope.createdAt}; it is signed and sent within a day`, {
      kind: "invalid",
      field: "envelope.createdAt",
      hint: "build the record again with the time now by the ledger's clock, GET /v1/ledger/clock (or ask POST /v1/cases/draft), and sign that",
    });
  }
  const { r, vs } = compactSignature(signature);
  const people = householdCommitments(ctx.identityKey, input.applicant, input.household, input.health);
  const record = applicationRecord(input, envelope, officer, ctx.log.suite);
  const hash = hexlify(recordHash(record));
  const { caseId } = envelope;
  // The Application's fields in order (see APPLICATION_FIELDS), as the outbox keeps them.
  const args = [caseId, PROGRAMMES[input.programme], AREAS[input.area], input.jurisdiction, hash, people.applicant, people.household, officer, deadline.toString(), r, vs];
  const { receipt, codeHash } = newReceipt(ctx.identityKey, caseId);
  // The case id is the signature's nonce: a second request with it, while the first is under way
  // or once it is taken in (owed to a ledger that has not answered yet), is refused here; once on
  // the ledger, the ledger refuses it too.
  ctx.pending.start(caseId);
  let claimed = false;
  let action: LedgerActionResult;
  try {
    const unseen = ctx.state.get(KEYS.case(caseId)).then((known) => {
      if (known) throw new AidtrailError("LEDGER_CASE_ALREADY_EXISTS", `case ${caseId} was taken in already: a signed application opens its case once`, { field: "envelope.caseId", hint: "a new application needs a new case id and signature" });
    });
    action = await ledgerAction(ctx, {
      caseId,
      record,
      call: "submitApplication",
      authorized: Promise.all([authorized, unseen]),
      // Once the officer's role and the dry run have passed: a request that fails them holds no one.
      reserve: () => {
        ctx.pending.claim(args);
        claimed = true;
      },
      args,
      extraState: (outbox): Record<string, CaseEntry | PersonEntry> => ({
        [KEYS.case(caseId)]: { caseId, recordId: record.recordId, jurisdiction: input.jurisdiction, programme: input.programme, outbox, receiptCodeHash: codeHash, createdAt: record.createdAt, publicName: publicName(input.applicant.name) },
        ...personEntries(caseId, [people.applicant], "applicant"),
        ...personEntries(caseId, people.household, "member"),
      }),
    });
  } catch (error) {
    if (claimed) ctx.pending.release(args);
    throw explainRefusal(error, { officer, hash, identities: identitiesHash(people.applicant, people.household), deadline, household: people.household });
  } finally {
    ctx.pending.finish(caseId);
  }
  return { caseId, receipt, recordId: record.recordId, recordHash: hash, leafIndex: action.leafIndex, ledger: action.ledger };
}

/**
 * What `POST /v1/cases/draft` answers: an envelope, the record built in it, its hash, the identity
 * commitments and their hash, and the typed data for the caseworker to sign.
 */
export interface ApplicationDraft {
  envelope: ApplicationEnvelope;
  record: AidRecord;
  recordHash: string;
  /** The applicant's and each household member's identity commitment, in the request's order, as intake computes them. */
  commitments: { applicant: string; household: string[] };
  /** identitiesHash of `commitments`: the `identities` the caseworker signs, in an envelope of the draft's or the client's own. */
  identities: string;
  deadline: string;
  domain: unknown;
  types: typeof APPLICATION_TYPES;
  primaryType: "ApplicationAuthorisation";
  message: unknown;
}

/**
 * An application drafted for `officer` to sign: a fresh envelope, the record as intake will
 * rebuild it, the identity commitments intake will compute, and the ApplicationAuthorisation to
 * sign, with `deadline` or a day from the ledger's clock. The commitments are what every client
 * needs of the gateway, since only it holds the identity key: a client that builds its own records
 * keeps its own envelope and signs with these. They are answered only to a caseworker over the
 * jurisdiction, who could learn them by taking the application in anyway. Resident IDs and the
 * household are checked as intake checks them; nothing is written.
 */
export async function draftApplication(ctx: Pick<IntakeContext, "chain" | "identityKey" | "log">, officer: string, input: ApplicationInput, deadline?: bigint): Promise<ApplicationDraft> {
  const commitments = householdCommitments(ctx.identityKey, input.applicant, input.household, input.health);
  const identities = identitiesHash(commitments.applicant, commitments.household);
  // The ledger's clock judges the deadline; a chain that does not answer leaves this one's. Read
  // first, so that the record is stamped by a clock that knows the ledger's time (see LedgerClock).
  const until = deadline ?? BigInt((await ctx.chain.now().catch(() => Math.floor(Date.now() / 1000))) + DRAFT_DEADLINE_S);
  const envelope = newApplicationEnvelope(ctx.chain.clock.iso());
  const record = applicationRecord(input, envelope, officer, ctx.log.suite);
  const message = applicationAuthorisation(input, record, identities, until);
  return {
    envelope,
    record,
    recordHash: message.recordHash,
    commitments,
    identities,
    deadline: until.toString(),
    domain: jsonSafe(decisionDomain(ctx.chain.chainId, ctx.chain.cases.target as string)),
    types: APPLICATION_TYPES,
    primaryType: "ApplicationAuthorisation",
    message: jsonSafe(message),
  };
}

/**
 * A 65-byte signature (r, s, v) as the ledger takes it: compact (EIP-2098), the parity in the top
 * bit of s. An s with its top bit set is no valid signature and cannot be made compact.
 */
function compactSignature(signature: string): { r: string; vs: string } {
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = parseInt(signature.slice(130, 132), 16);
  const parity = v === 0 || v === 27 ? 0n : v === 1 || v === 28 ? 1n : null;
  if (parity === null || s >> 255n !== 0n) {
    throw new AidtrailError("APPLICATION_SIGNATURE_MALFORMED", "signature is not a secp256k1 signature: r, s and v (27 or 28), 65 bytes", {
      kind: "invalid",
      field: "signature",
      hint: "send the signature the signer returned for the typed data, unchanged",
    });
  }
  return { r: "0x" + signature.slice(2, 66).toLowerCase(), vs: "0x" + ((parity << 255n) | s).toString(16).padStart(64, "0") };
}

/** The ledger's refusals of an application in words the caseworker can act on; other errors as they are. */
function explainRefusal(error: unknown, application: { officer: string; hash: string; identities: string; deadline: bigint; household: string[] }): unknown {
  if (!(error instanceof AidtrailError)) return error;
  if (error.code === "LEDGER_APPLICATION_SIGNATURE_INVALID") {
    return new AidtrailError(
      error.code,
      `the signature does not match the application as sent: it is not ${application.officer}'s (the caseworker signed in) signature of an ApplicationAuthorisation of this case id, programme, area, jurisdiction, deadline, the hash of the record built from these fields and envelope (${application.hash}) and the identities of the applicant and household members in the order sent (${application.identities})`,
      {
        field: "signature",
        hint: "sign, with the key you signed in with, the typed data POST /v1/cases/draft answers for these fields (or, in your own envelope, its commitments), and send the fields, household order, envelope and deadline unchanged",
      },
    );
  }
  if (error.code === "LEDGER_APPLICATION_EXPIRED") {
    return new AidtrailError(error.code, `the application's deadline (${application.deadline}) has passed by the ledger's clock: ${error.message}`, { field: "deadline", hint: "sign the application again with a later deadline" });
  }
  if (error.code === "LEDGER_CASE_IDENTITY_ALREADY_OPEN" && !error.field) {
    // The ledger names the commitment; the caseworker knows the member by their place in the household.
    const held = String((error.cause as { args?: { identityCommitment?: unknown } } | undefined)?.args?.identityCommitment ?? "");
    const member = application.household.findIndex((commitment) => commitment === held);
    if (member >= 0) {
      return new AidtrailError(error.code, `household member ${member + 1} (commitment ${held}) has an open case in this programme: ${error.message}`, { field: `household.${member}.residentId`, hint: error.hint, zh: error.details.zh && { message: `第 ${member + 1} 位家庭成员${error.details.zh.message}`, hint: error.details.zh.hint } }, error.cause);
    }
  }
  return error;
}
