/**
 * Gateway load on loopback: proof lookups per second with latency at 10^6 records, and intake
 * per second while the anchorer runs, against Express's own hello world measured in the same run.
 * Run: npm run bench:gateway [-- --records 1000000 --seconds 10 --connections 16 --intake-connections 128
 *   --intake-rate 1000 --rate-seconds 30 --rate-connections 1000 --caseworkers 200 --block-period 1]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import express from "express";
import { toQuantity, Wallet } from "ethers";
import { roleId } from "../server/chain/roles.ts";
import { NodeJsonRpcProvider } from "../server/chain/rpc-provider.ts";
import { newSession } from "../cli/gateway-client.ts";
import { checkCharacter } from "../kit/resident-id.ts";
import type { ApplicationInput } from "../server/records/kinds/application.ts";
import { identityKey } from "../server/records/identity.ts";
import { newRecord } from "../server/records/record.ts";
import { applicationSigner } from "./application-signer.ts";
import { killProcess, startGatewayProcess } from "../test/helpers/gateway-process.ts";
import { localGateway, TOWNSHIP } from "../test/helpers/local-gateway.ts";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    // Many township offices take cases in at once at a provincial gateway.
    "intake-connections": { type: "string", default: "128" },
    // Intake held at a rate, as offices bring cases whether or not the last was answered, and how
    // long; up to a connection for each case a second, so that the rate is the load generator's, not the answers' pace.
    "intake-rate": { type: "string", default: "1000" },
    "rate-seconds": { type: "string", default: "30" },
    "rate-connections": { type: "string", default: "1000" },
    // Officers taking cases in, each signed in as themself, whose roles the gateway asks the ledger.
    caseworkers: { type: "string", default: "200" },
    // As QBFT mines, once a period, rather than a block for every transaction; 0 for the latter.
    "block-period": { type: "string", default: "1" },
  },
});
const RECORDS = Number(values.records);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const INTAKE_CONNECTIONS = Number(values["intake-connections"]);
const INTAKE_RATE = Number(values["intake-rate"]);
const RATE_SECONDS = Number(values["rate-seconds"]);
const RATE_CONNECTIONS = Number(values["rate-connections"]);
const CASEWORKERS = Number(values.caseworkers);
const BLOCK_PERIOD = Number(values["block-period"]);

/** What the bench reads of a load run: autocannon's result, or the offered run's (see offered). */
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  duration: number;
}
/** Told of each answer as it comes (autocannon's own event: a request's onResponse would have it gather every body). */
type OnResponse = () => void;
/** A load run. */
const run = (options: autocannon.Options, onResponse?: OnResponse) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ duration: SECONDS, connections: CONNECTIONS, ...options }, (e, r) => (e ? reject(e) : resolve(r)));
    if (onResponse) instance.on("response", onResponse);
  });
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
/** The value below which a fraction `q` of `values` lies. */
const quantile = (values: number[], q: number) => values.toSorted((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
/**
 * Cases offered at `rate` a second for `seconds`, each sent when it falls due, evenly spaced,
 * whatever the answers' pace (an open loop, as offices bring cases
 * whether or not the last was answered), on up to `connections` kept-alive connections; resolves
 * once every case sent is answered. autocannon's rate is each connection's own timer, which under
 * this load fell behind, and it starts every connection's second at the same moment, so that the
 * cases of a second arrive together. The requests are written whole, made before the run, on plain
 * sockets, and only the status and length of an answer are read: node:http's client took about
 * twice the CPU a case, on the two cores the gateway and the chain are measured on
 * (docs/performance.md).
 */
const offered = async (rate: number, seconds: number, connections: number, requests: Buffer[], onResponse: OnResponse): Promise<Result> => {
  const { hostname, port } = new URL(url);
  const total = rate * seconds;
  if (requests.length < total) throw new Error(`${total} cases offered, ${requests.length} requests made`);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let done = 0;
  let finished!: () => void;
  const allAnswered = new Promise<void>((resolve) => (finished = resolve));
  const settle = () => {
    if (++done === total) finished();
  };
  /** Cases due and waiting for a connection, with the moment each fell due. */
  const waiting: { request: Buffer; dueAt: number }[] = [];
  /**
   * Connections with no case in flight, the longest idle first: none then stays idle for the five
   * seconds after which the server closes it, which, as a case is written to it, cuts that case off.
   */
  const idle: Socket[] = [];
  let opened = 0;
  /** Why cases were cut off: the connection's error, or its closing by the server. */
  const cutOff = new Map<string, number>();
  const failures = new WeakMap<Socket, string>();
  const send = (socket: Socket, request: Buffer, dueAt: number) => {
    let received: Buffer | null = null;
    let expected = -1;
    let reusable = true;
    const onData = (chunk: Buffer) => {
      received = received ? Buffer.concat([received, chunk]) : chunk;
      if (expected < 0) {
        const headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const head = received.toString("latin1", 0, headEnd);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        // Express sends every answer of this route with its length.
        if (!length) return socket.destroy(new Error(`an answer without a content-length: ${head.split("\r\n")[0]}`));
        expected = headEnd + 4 + Number(length[1]);
        const status = Number(head.slice(9, 12));
        if (status < 200 || status >= 300) non2xx++;
        reusable = !/\r\nconnection: *close/i.test(head);
      }
      if (received.length < expected) return;
      socket.off("data", onData).off("close", onCutOff);
      latencies.push(performance.now() - dueAt);
      onResponse();
      settle();
      if (reusable) free(socket);
      else socket.destroy();
    };
    const onCutOff = () => {
      const why = failures.get(socket) ?? "closed by the server";
      cutOff.set(why, (cutOff.get(why) ?? 0) + 1);
      errors++;
      settle();
    };
    socket.on("data", onData).once("close", onCutOff);
    socket.write(request);
  };
  const free = (socket: Socket) => {
    const next = waiting.shift();
    if (next) send(socket, next.request, next.dueAt);
    else idle.push(socket);
  };
  /** Sends a case on an idle connection, or a new one while under `connections`, or leaves it waiting for one. */
  const dispatch = (request: Buffer, dueAt: number) => {
    const socket = idle.shift();
    if (socket) return send(socket, request, dueAt);
    if (opened === connections) return waiting.push({ request, dueAt });
    opened++;
    const fresh = connect({ host: hostname, port: Number(port), noDelay: true });
    // An idle connection the server closes leaves the pool, and a case waiting gets a new one; one
    // closed in flight counts as cut off (see send).
    fresh.on("error", (error: NodeJS.ErrnoException) => failures.set(fresh, error.code ?? error.message)).once("close", () => {
      opened--;
      const at = idle.indexOf(fresh);
      if (at >= 0) idle.splice(at, 1);
      const next = waiting.shift();
      if (next) dispatch(next.request, next.dueAt);
    });
    send(fresh, request, dueAt);
  };
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) dispatch(requests[sent++]!, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await allAnswered;
  const duration = (performance.now() - start) / 1000;
  for (const socket of idle) socket.destroy();
  if (cutOff.size > 0) console.warn(`cases cut off: ${[...cutOff].map(([why, count]) => `${count} (${why})`).join(", ")}`);
  return {
    requests: { average: latencies.length / duration, total: latencies.length },
    latency: { p50: Math.round(quantile(latencies, 0.5)), p99: Math.round(quantile(latencies, 0.99)) },
    non2xx,
    errors,
    duration: Math.round(duration * 100) / 100,
  };
};
const row = (name: string, r: Result, reference?: Result, cpu?: { gateway: number; chain: number; loadGenerator: number }) => ({
  measure: name,
  "requests/s": Math.round(r.requests.average),
  "p50 ms": r.latency.p50,
  "p99 ms": r.latency.p99,
  "non-2xx": r.non2xx,
  errors: r.errors,
  "× hello world": reference ? (r.requests.average / reference.requests.average).toFixed(2) : "",
  "gateway CPU": cpu ? share(cpu.gateway, r) : "",
  "chain CPU": cpu ? share(cpu.chain, r) : "",
  "load generator CPU": cpu ? share(cpu.loadGenerator, r) : "",
});

// The reference: Express's hello world, on this machine, in this run. Its rate moves by a third from
// one minute to the next here, so proof lookups are measured in ROUNDS rounds, each right after a
// round of hello world, and each round's ratio is to its own reference; the table gives each round
// and the median.
const ROUNDS = 3;
const hello = express();
hello.get("/", (_req, res) => void res.send("Hello World!"));
const helloServer = hello.listen(0, "127.0.0.1");
await new Promise((r) => helloServer.once("listening", r));
const helloUrl = `http://127.0.0.1:${(helloServer.address() as { port: number }).port}/`;
// Each measured run follows an unmeasured one of WARM_UP seconds on the same route: the first
// seconds of a process run cold (the JIT, LevelDB's block cache), and a proof lookup costs the
// gateway markedly more CPU then than once warm.
const WARM_UP = 3;
const warmUp = (options: autocannon.Options) => run({ ...options, duration: WARM_UP });
await warmUp({ url: helloUrl });

// The chain, the gateway and the load generator each run as a process of their own, as in
// production (the chain on its own machines there). The simulator's allocator (mimalloc) keeps the
// memory it frees rather than handing it back to the system on a timer: mining applications then
// took it less CPU, most of the difference the system zeroing the same pages again as they were
// asked for (docs/performance.md).
const chainProcess = spawn(process.execPath, ["--import", "tsx", "bench/chain-process.ts"], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MIMALLOC_PURGE_DELAY: "-1" } });
const { rpcUrl } = await new Promise<{ rpcUrl: string }>((resolve, reject) => {
  chainProcess.stdout!.once("data", (line: Buffer) => resolve(JSON.parse(line.toString())));
  chainProcess.once("exit", (code) => reject(new Error(`the chain process exited (${code}) before listening`)));
});
const local = await localGateway({ ledgerWaitMs: 0, anchorBatch: 1000, anchorIntervalMs: 1000 }, { rpcUrl });
const { gateway } = local;
const caseworkers = Array.from({ length: CASEWORKERS }, () => Wallet.createRandom());
for (const officer of caseworkers) await (await local.contracts.access.grantScopedRole(roleId("CASEWORKER"), officer.address, BigInt(TOWNSHIP))).wait();
process.stdout.write(`filling the log with ${RECORDS} records`);
const sample: string[] = [];
for (let done = 0; done < RECORDS; done += 1000) {
  const batch = Array.from({ length: Math.min(1000, RECORDS - done) }, (_, i) =>
    newRecord({ kind: "access-log", jurisdiction: "440105000000", public: { reader: "0x" + "11".repeat(20), i: done + i, purpose: "benchmark" } }, "standard"),
  );
  await gateway.log.append(batch);
  if (sample.length < 10_000) sample.push(...batch.slice(0, 10).map((r) => r.recordId));
  if (done % 100_000 === 0) process.stdout.write(".");
}
await gateway.anchorer.anchorOnce();
process.stdout.write("\n");
await local.stopGateway();
// Intake answers once the record is durable and the ledger transaction owed, without waiting for
// it. The gateway talks to the chain directly, not through the tests' outage switch.
const server = await startGatewayProcess({ ...local.env, AIDTRAIL_RPC_URL: rpcUrl, AIDTRAIL_PORT: "0", AIDTRAIL_LEDGER_WAIT_MS: "0" });
const url = server.url;

/** CPU seconds the gateway process has used, all its threads (Linux). */
const cpuOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** The CPU seconds of the gateway, of the chain (which runs every dry run and transaction), and of this process, the load generator. */
const measured = async (load: () => Promise<Result>) => {
  const gatewayBefore = cpuOf(server.child.pid!);
  const chainBefore = cpuOf(chainProcess.pid!);
  const here = process.cpuUsage();
  const result = await load();
  const { user, system } = process.cpuUsage(here);
  return { result, cpu: { gateway: cpuOf(server.child.pid!) - gatewayBefore, chain: cpuOf(chainProcess.pid!) - chainBefore, loadGenerator: (user + system) / 1e6 } };
};
const share = (cpu: number, result: Result) => `${((cpu / result.duration) * 100).toFixed(0)}% of a core, ${Math.round((cpu * 1e6) / result.requests.total)} µs a request`;

const proofLookups: autocannon.Options = {
  url,
  requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/proofs/records/${sample[Math.floor(Math.random() * sample.length)]}` }) }],
};
await warmUp(proofLookups);
const rounds: { reference: Result; proofs: Awaited<ReturnType<typeof measured>> }[] = [];
for (let round = 0; round < ROUNDS; round++) rounds.push({ reference: await run({ url: helloUrl }), proofs: await measured(() => run(proofLookups)) });
const ratios = rounds.map(({ reference, proofs }) => proofs.result.requests.average / reference.requests.average);

// Intake: each request a new applicant with a valid resident ID, from the caseworkers in turn, as
// many township offices feed one provincial gateway, each application signed by the caseworker
// who sends it; the ledger is not waited for.
const tokens = await Promise.all(caseworkers.map(async (officer) => `Bearer ${(await newSession(url, officer)).token}`));
// Each application signs the identity commitments of its applicant and household, which only the
// gateway can compute (it holds the identity key, here in its environment): the bench computes
// them before the run as the gateway's draft does. In production a caseworker's form fetches the
// draft (POST /v1/cases/draft) while the application is being typed, before it is sent, so the
// draft is not part of what intake costs.
const signer = applicationSigner(local.deployment.chainId, local.deployment.contracts.caseRegistry, identityKey(Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64"), local.deployment.suite));
// Signed for the whole bench: it takes minutes, by the chain's clock as by the gateway's.
const deadline = BigInt((await local.provider.getBlock("latest"))!.timestamp + 4 * 3600);
let applicant = 0;
const residentId = (n: number) => {
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 900) * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  const body = `110101${day}${(100 + (n % 900)).toString()}`;
  return body + checkCharacter(body);
};
const fieldsOf = (n: number): ApplicationInput => ({ programme: "dibao", area: "urban", jurisdiction: TOWNSHIP, applicant: { name: "申请人", residentId: residentId(n) }, household: [], monthlyIncome: 0, documents: [] });
// Checked on the first applicant's fields: signed here, never sent.
signer.check(fieldsOf(0), caseworkers[0]!, deadline);
/** The next applicant's request: the caseworker's token and the application they signed. */
const nextCase = () => {
  const n = applicant++;
  const caseworker = n % caseworkers.length;
  return { token: tokens[caseworker]!, body: JSON.stringify(signer.sign(fieldsOf(n), caseworkers[caseworker]!, deadline).body) };
};
// Every application is signed before the runs, so that the load generator's CPU goes to sending
// them: enough for the runs at capacity at up to 2,500 cases a second (beyond, a case is signed as
// it is sent), then those offered at the goal's rate.
process.stdout.write("signing the applications");
const signingStarted = performance.now();
const capacityCases = Array.from({ length: (WARM_UP + SECONDS) * 2_500 }, nextCase);
const { host } = new URL(url);
const offeredCases = Array.from({ length: INTAKE_RATE * RATE_SECONDS }, () => {
  const { token, body } = nextCase();
  return Buffer.from(`POST /v1/cases HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\nauthorization: ${token}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
});
console.log(`: ${applicant.toLocaleString("en")} in ${((performance.now() - signingStarted) / 1000).toFixed(1)} s (${Math.round(((performance.now() - signingStarted) * 1000) / applicant)} µs each)`);
let nextCapacityCase = 0;
const intakeRequests: autocannon.Options = {
  url,
  connections: INTAKE_CONNECTIONS,
  requests: [
    {
      method: "POST",
      path: "/v1/cases",
      headers: { "content-type": "application/json" },
      setupRequest: (req) => {
        const { token, body } = capacityCases[nextCapacityCase++] ?? nextCase();
        return { ...req, headers: { ...req.headers, authorization: token }, body };
      },
    },
  ],
};
if (BLOCK_PERIOD > 0) {
  // A permissioned chain sets its block gas limit for the load it carries (see docs/contracts.md, Gas).
  await local.provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
  await local.provider.send("evm_setAutomine", [false]);
  await local.provider.send("evm_setIntervalMining", [BLOCK_PERIOD * 1000]);
}
/**
 * The cases the ledger holds from this run: CaseSubmitted logs counted block range by block range,
 * each read only once, so that a reading takes milliseconds, not the seconds that reading every
 * log since the start took once there were tens of thousands.
 */
const ledgerCount = { block: await local.provider.getBlockNumber(), cases: 0 };
const caseSubmitted = local.contracts.cases.interface.getEvent("CaseSubmitted").topicHash;
// Through the gateway's provider: ethers' own decodes each answer to text in JavaScript, which for
// the logs read while intake is measured cost this process, the load generator, a share of its CPU a
// case that it needs for sending.
const logReader = new NodeJsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
const countNewBlocks = async () => {
  const latest = await local.provider.getBlockNumber();
  if (latest > ledgerCount.block) {
    const filter = { address: local.contracts.cases.target, topics: [caseSubmitted], fromBlock: toQuantity(ledgerCount.block + 1), toBlock: toQuantity(latest) };
    ledgerCount.cases += ((await logReader.send("eth_getLogs", [filter])) as unknown[]).length;
    ledgerCount.block = latest;
  }
  return ledgerCount.cases;
};
// One count at a time, so that no block range is counted twice.
let counting = Promise.resolve(0);
const onLedger = () => (counting = counting.then(countNewBlocks, countNewBlocks));
/** Seconds until the ledger holds `answered` cases (at most a minute). */
const caughtUp = async (answered: number) => {
  const start = performance.now();
  while ((await onLedger()) < answered && performance.now() - start < 60_000) await new Promise((r) => setTimeout(r, 100));
  return (performance.now() - start) / 1000;
};
// Intake answers before the ledger has the case (the relayer sends it); the ledger's rate is the
// cases it took during the measured run. It takes a block's worth at a time, so that rate, and the
// backlog of cases answered and not yet on it, move by up to a block's worth with the moment they
// are read. (Requests in flight when a run ends are answered, and reach the ledger, without being
// counted, so the backlog can be below zero.)
const ledgerRun = async (load: (onResponse: OnResponse) => Promise<Result>, answeredBefore: number) => {
  const ledgerBefore = await onLedger();
  // The backlog once a second while the run lasts, from the answers as they come.
  let answeredNow = answeredBefore;
  const backlog: { second: number; cases: number }[] = [];
  const start = performance.now();
  const sampling = setInterval(async () => {
    const second = (performance.now() - start) / 1000;
    const answered = answeredNow;
    backlog.push({ second, cases: answered - (await onLedger()) });
  }, 1000);
  // Each answer's second of the run, for the rate answered once the run is under way.
  const answeredIn: number[] = [];
  const loaded = await measured(() =>
    load(() => {
      answeredNow++;
      answeredIn.push(Math.floor((performance.now() - start) / 1000));
    }),
  ).finally(() => clearInterval(sampling));
  const ledgerAfter = await onLedger();
  const answered = answeredBefore + loaded.result.requests.total;
  return {
    ...loaded,
    steadyRate: steadyRate(answeredIn, Math.floor(loaded.result.duration)),
    ledgerRate: (ledgerAfter - ledgerBefore) / loaded.result.duration,
    backlogBefore: answeredBefore - ledgerBefore,
    backlogAfter: answered - ledgerAfter,
    backlogGrowth: growth(backlog.filter(({ second }) => second > loaded.result.duration / 3)),
    caughtUpSeconds: await caughtUp(answered),
    answered,
  };
};
/**
 * The mean of the answers in each whole second of a run of `seconds`, leaving out the first two
 * (connections opening) and the last, whose answers the run's end cuts off.
 * autocannon's own mean counts every second and none of the answers still to come when it stops,
 * so it undercounts a run that answered every case (docs/performance.md).
 */
const steadyRate = (answeredIn: number[], seconds: number) => {
  const perSecond = Array.from({ length: seconds }, () => 0);
  for (const second of answeredIn) if (second < seconds) perSecond[second]!++;
  const steady = perSecond.slice(2, seconds - 1);
  return sum(steady) / steady.length;
};
/**
 * How fast the backlog grew, in cases a second: the least-squares slope of its samples. It rises
 * by a block's worth between blocks and falls as each is mined, which the fit averages out.
 */
const growth = (samples: { second: number; cases: number }[]) => {
  const n = samples.length;
  const meanT = sum(samples.map(({ second }) => second)) / n;
  const meanB = sum(samples.map(({ cases }) => cases)) / n;
  const covariance = sum(samples.map(({ second, cases }) => (second - meanT) * (cases - meanB)));
  const variance = sum(samples.map(({ second }) => (second - meanT) ** 2));
  return variance > 0 ? covariance / variance : 0;
};
// At capacity: each connection sends its next case once the last is answered.
const intakeWarmUp = await warmUp(intakeRequests);
const capacity = await ledgerRun((onResponse) => run(intakeRequests, onResponse), intakeWarmUp.requests.total);
// At the goal's rate: cases offered at INTAKE_RATE a second whatever the answers' pace, each
// case sent when it falls due (see offered).
const atRate = await ledgerRun((onResponse) => offered(INTAKE_RATE, RATE_SECONDS, RATE_CONNECTIONS, offeredCases, onResponse), capacity.answered);
// Held: answered at the rate offered, second by second once under way (see steadyRate), none refused,
// and the ledger keeping pace: over the last two thirds of the run, the cases answered and not yet
// on it grew by less than 5% of the rate a second. Cases go from intake to the outbox, to the
// relayer's next send, to the next block, so a ledger keeping pace trails by a few blocks' worth,
// and a run starts from none: the rate the ledger took over the whole run is below the one it
// keeps, and the backlog at the end says how far it trails, not whether it falls behind.
const held = atRate.steadyRate >= 0.99 * INTAKE_RATE && atRate.result.non2xx + atRate.result.errors === 0 && atRate.backlogGrowth < 0.05 * INTAKE_RATE;
const latest = (await (await fetch(`${url}/v1/log/checkpoints/latest`)).json()) as { treeSize: number; pending: number };
await killProcess(server.child, "SIGTERM");

const referenceAfter = await run({ url: helloUrl });
const chainPace = BLOCK_PERIOD > 0 ? `a block every ${BLOCK_PERIOD} s` : "a block a transaction";
helloServer.close();
console.table([
  ...rounds.flatMap(({ reference, proofs }, i) => [
    row(`reference: Express hello world, round ${i + 1}`, reference),
    row(`proof lookup at ${RECORDS.toLocaleString("en")} records, round ${i + 1}`, proofs.result, reference, proofs.cpu),
  ]),
  row("reference: Express hello world, after intake", referenceAfter),
  row(`intake (POST /v1/cases) at capacity, anchorer running, ${INTAKE_CONNECTIONS} connections, ${chainPace}`, capacity.result, referenceAfter, capacity.cpu),
  row(`intake offered at ${INTAKE_RATE.toLocaleString("en")}/s for ${RATE_SECONDS} s, anchorer running, up to ${RATE_CONNECTIONS} connections, ${chainPace}`, atRate.result, referenceAfter, atRate.cpu),
]);
console.log(`proof lookups: median ${quantile(ratios, 0.5).toFixed(2)} of hello world over ${ROUNDS} rounds (${ratios.map((r) => r.toFixed(2)).join(", ")}), p99 at most ${Math.max(...rounds.map(({ proofs }) => proofs.result.latency.p99))} ms`);
const ledgerLine = (load: Awaited<ReturnType<typeof ledgerRun>>) =>
  `${Math.round(load.ledgerRate)} cases/s put on the ledger (cases answered and not yet on it: ${load.backlogBefore} when the run started, ${load.backlogAfter} when it ended, growing by ${Math.round(load.backlogGrowth)} a second over the last two thirds of the run), all on it ${load.caughtUpSeconds.toFixed(1)} s later`;
console.log(`intake at capacity: ${Math.round(capacity.result.requests.average)} cases/s answered, ${ledgerLine(capacity)}`);
console.log(
  `intake offered at ${INTAKE_RATE.toLocaleString("en")} cases/s: ${held ? "held" : "not held"}: ${Math.round(atRate.steadyRate)} cases/s answered once under way (seconds 3 to ${Math.floor(atRate.result.duration) - 1}; ${atRate.result.requests.total} in ${atRate.result.duration} s in all, p99 ${atRate.result.latency.p99} ms), ${ledgerLine(atRate)}; the log was anchored up to ${latest.treeSize} records, ${latest.pending} waiting`,
);
console.log("goals: proof lookups >= 40% of hello world with p99 < 20 ms, intake >= 1,000 cases/s sustained while anchoring");
logReader.destroy();
await local.close();
await killProcess(chainProcess, "SIGTERM");
process.exit(0);
