/** Writes `docs/messages/<kind>.png`: each message kind with its styles (left) and without its `<style>` element (right). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findChromium, screenshot } from "../support/chromium.js";
import { messageGallery, withoutStyle } from "./gallery.js";

const chromium = findChromium();
if ("reason" in chromium) {
  console.error(`Captures impossibles : ${chromium.reason}`);
  process.exit(1);
}
const out = join(import.meta.dirname, "../../docs/messages");
mkdirSync(out, { recursive: true });
for (const entry of messageGallery()) {
  const file = join(out, `${entry.name}.png`);
  screenshot(chromium.path, [entry.content.html, withoutStyle(entry.content.html)], file);
  console.log(file);
}
