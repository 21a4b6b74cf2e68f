import { spawn, type ChildProcess } from "node:child_process";

/** Every gateway process started and not yet ended: killed when the test process ends, however its tests went, so that a failed test leaves none running. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts the gateway as its own process (`node server/main.ts`, no loader), as an operator would, configured by
 * `env`; resolves with its URL once it listens.
 */
export function startGatewayProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["server/main.ts"], { env: { ...process.env, ...env, AIDTRAIL_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.once("exit", () => running.delete(child));
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "gateway listening") resolve({ child, url: entry.url! });
      }
    });
    child.on("exit", (code) => reject(new Error(`the gateway exited (${code}) before listening: ${stderr}`)));
  });
}

/** Ends a process at once, as a power cut would, and resolves when it is gone. */
export function killProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
