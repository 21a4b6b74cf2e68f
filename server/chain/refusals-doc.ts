import { abiOf } from "./contracts.ts";
import { Interface, ZeroAddress, type ErrorFragment } from "ethers";
import { REFUSALS } from "./refusals.ts";

/** Example values of an error's arguments, by type, to read its words with. */
export function exampleArgs(fragment: ErrorFragment): Record<string, unknown> {
  return Object.fromEntries(
    fragment.inputs.map((input) => [
      input.name,
      input.type === "address"
        ? ZeroAddress
        : input.type === "bytes32"
          ? "0x" + "ab".repeat(32)
          : input.type === "bool"
            ? true
            : input.type === "string"
              ? "recordHash"
              : input.type === "uint8"
                ? 1n
                : /period|current/i.test(input.name)
                  ? 202612n
                  : /amount|available|requested|limit|cap/i.test(input.name)
                    ? 150_000n
                    : /jurisdiction|scope|code|parent|from$|^to$|pausedAt/i.test(input.name)
                      ? 440105000000n
                      : /time|deadline|noticeEnd|entitledFrom|effective/i.test(input.name)
                        ? 1_796_918_400n
                        : 2n,
    ]),
  );
}

/** Every error the contracts' interfaces declare, by name. */
export function contractErrors(): Map<string, ErrorFragment> {
  const fragments = new Map<string, ErrorFragment>();
  for (const abi of [abiOf("AidAccess"), abiOf("CaseRegistry"), abiOf("FundLedger"), abiOf("GovernanceCouncil"), abiOf("LogAnchor")]) {
    new Interface(abi).forEachError((f) => fragments.set(f.name, f));
  }
  return fragments;
}

const codeOf = (name: string) => "LEDGER_" + name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** docs/refusals.md as `npm run docs:refusals` writes it. */
export function refusalsDocument(): string {
  const errors = contractErrors();
  const rows = Object.keys(REFUSALS)
    .sort()
    .map((name) => {
      const words = REFUSALS[name]!(exampleArgs(errors.get(name)!));
      return `| \`${codeOf(name)}\` | ${cell(words.zh.message)}。${cell(words.zh.hint)} | ${cell(words.en.message)}; ${cell(words.en.hint)} |`;
    });
  return [
    "# Ledger refusals in plain words",
    "",
    "Every refusal of the contracts, as the API (`error.message`, `error.hint`, `error.zh`), the command line and the",
    "pages give it: what was wrong and what to do, in Chinese and in English, read here with example values (amounts in",
    "yuan, dates in China Standard Time). Written by `npm run docs:refusals` from `server/chain/refusals.ts`; a",
    "test fails when a contract's error has no words or this page is out of date.",
    "",
    "| code | 中文 | English |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
