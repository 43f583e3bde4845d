/** Entry point of the `passerelle` command line (`bin/passerelle.js`, `npm run passerelle`). */
import { main } from "./passerelle.js";

const result = await main(process.argv.slice(2));
if (result.out) process.stdout.write(`${result.out}\n`);
if (result.err) process.stderr.write(`${result.err}\n`);
process.exitCode = result.code;
