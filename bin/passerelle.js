#!/usr/bin/env node
// The `passerelle` command. An installed package (npm pack, npm install -g, npx) runs the compiled
// JavaScript in dist/; a clone of the repository runs its TypeScript sources through tsx (a
// development dependency), so that an old build never shadows the code being edited.
import { existsSync } from "node:fs";

const source = new URL("../functions/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/functions/cli/main.js", import.meta.url).href);
}
