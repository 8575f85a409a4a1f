#!/usr/bin/env node
// Starts the Forewarn CLI on Node 24 or newer. The source is TypeScript run by Node's own type
// stripping, so where the machine's node is older we hand over to the node the project installs
// (the `node` devDependency) instead of failing with a syntax error.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const major = Number(process.versions.node.split(".")[0]);

if (major >= 24) {
  const cli = await import(main);
  process.exitCode = await cli.main(process.argv.slice(2));
} else {
  const bundled = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (!existsSync(bundled)) {
    console.error(
      `forewarn needs Node 24 or newer (this is ${process.version}); run \`npm install\` in the checkout to get it.`,
    );
    process.exit(1);
  }
  const r = spawnSync(bundled, [main, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
