import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "server/**/*.test.ts"],
    // test/anvil/ runs on anvil alone (it starts its own, mining every 2 seconds): npm run test:anvil.
    exclude: ["**/node_modules/**", ...(process.env.AIDTRAIL_TEST_CHAIN === "anvil" ? [] : ["test/anvil/**"])],
    // One simulated chain per file is cheap; files run in parallel on the two cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
