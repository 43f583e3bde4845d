/** The example reverse immersion as in-memory tabs, with any part replaced. */
import { REVERSE_TABS } from "../../functions/core/inversee/schemas.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { TabValues } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-inversee.js";
import { type Row, settingsTab, tableTab } from "../support/workbooks.js";

export interface ReverseParts {
  settings?: Row;
  hosts?: readonly Row[];
  visitors?: readonly Row[];
}

export function reverseSnapshot(parts: ReverseParts = {}): Map<string, TabValues> {
  return new Map<string, TabValues>([
    [
      REVERSE_TABS.settings.name,
      settingsTab(REVERSE_TABS.settings, parts.settings ?? example.reverseSettings),
    ],
    [TABS.programme.name, tableTab(TABS.programme, example.reverseProgramme)],
    [REVERSE_TABS.hosts.name, tableTab(REVERSE_TABS.hosts, parts.hosts ?? example.hosts)],
    [REVERSE_TABS.visitors.name, tableTab(REVERSE_TABS.visitors, parts.visitors ?? example.visitors)],
    [TABS.journal.name, tableTab(TABS.journal, [])],
  ]);
}
