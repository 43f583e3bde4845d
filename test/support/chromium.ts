/**
 * Headless Chromium for rendering tests: found on the PATH, or installed with Debian's `apt-get`
 * when the tests run as root on a machine that has it. When neither is possible, `browser` says why.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const NAMES = ["chromium", "chromium-browser", "google-chrome"];

function onPath(): string | null {
  for (const name of NAMES) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return null;
}

/** The Chromium executable, installing Debian's package when it is missing and that can be done. */
export function findChromium(): { path: string } | { reason: string } {
  const found = onPath();
  if (found) return { path: found };
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!root || !apt)
    return { reason: "Chromium is not installed and cannot be installed here (apt-get as root is needed)." };
  const install = spawnSync(
    "sh",
    ["-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium"],
    {
      stdio: "ignore",
      timeout: 600_000,
    },
  );
  const after = onPath();
  return after ? { path: after } : { reason: `apt-get install chromium failed (status ${install.status}).` };
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--hide-scrollbars",
  "--no-first-run",
  "--mute-audio",
];

/** What a reader sees of each page (its `innerText`) and its height in CSS pixels, all in one browser run. */
export function renderedTexts(
  chromium: string,
  pages: readonly string[],
  width = 720,
): { text: string; height: number }[] {
  const frames = pages
    .map(
      (page, index) =>
        `<iframe id="f${index}" style="width:${width}px;height:900px;border:0" srcdoc="${attribute(page)}"></iframe>`,
    )
    .join("\n");
  const probe = `<script>window.addEventListener("load",()=>{const out=[];for(const f of document.querySelectorAll("iframe")){const d=f.contentDocument;out.push({text:d.body.innerText,height:d.documentElement.scrollHeight});}const pre=document.createElement("pre");pre.id="rendered";pre.textContent=JSON.stringify(out);document.body.appendChild(pre);});</script>`;
  const file = writePage(`<!DOCTYPE html><html><body>${frames}${probe}</body></html>`);
  const dom = execFileSync(
    chromium,
    [...FLAGS, `--window-size=${width + 40},900`, "--dump-dom", pathToFileURL(file).href],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const match = /<pre id="rendered">([\s\S]*?)<\/pre>/.exec(dom);
  if (!match) throw new Error("Chromium did not render the pages.");
  return JSON.parse(decodeEntities(match[1]!)) as { text: string; height: number }[];
}

/** Pages side by side (e.g. with and without styles) in one PNG, each `width` wide and as tall as the tallest. */
export function screenshot(chromium: string, pages: readonly string[], out: string, width = 640): void {
  const height = Math.max(...renderedTexts(chromium, pages, width).map((page) => page.height));
  const frames = pages
    .map(
      (page) =>
        `<iframe style="width:${width}px;height:${height}px;border:0;margin:0 8px 0 0;vertical-align:top" srcdoc="${attribute(page)}"></iframe>`,
    )
    .join("");
  const file = writePage(
    `<!DOCTYPE html><html><body style="margin:0;background:#888;white-space:nowrap">${frames}</body></html>`,
  );
  execFileSync(
    chromium,
    [
      ...FLAGS,
      `--window-size=${pages.length * (width + 8)},${Math.min(height, 8000)}`,
      `--screenshot=${out}`,
      pathToFileURL(file).href,
    ],
    { stdio: "ignore", timeout: 120_000 },
  );
}

function attribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

function writePage(page: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "rendu-")), "page.html");
  writeFileSync(file, page, "utf8");
  return file;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}
