#!/usr/bin/env node
// Runs the TypeScript command line directly (no build step needed on an organizer's machine).
import { register } from "tsx/esm/api";

register();
await import("../functions/cli/main.ts");
