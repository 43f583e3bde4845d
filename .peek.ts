import { XlsxWorkbook } from "./functions/adapters/xlsx-workbook.js";
const wb = new XlsxWorkbook(process.argv[2]!);
const snap = await wb.read(process.argv.slice(3));
for (const [name, tab] of snap) { console.log("==", name); for (const r of tab.rows) console.log(JSON.stringify(r)); }
