/**
 * What a printed document is made of, independent of how it is drawn: a file name, a title and
 * blocks in reading order. The core decides every word and every row; the PDF adapter
 * (`adapters/pdf.ts`) only lays the blocks out on A4 pages.
 */

/** A column of a table: its header and its share of the page width (the shares are normalised). */
export interface TableColumn {
  readonly label: string;
  readonly width: number;
}

export type Block =
  /** A section heading. */
  | { readonly kind: "heading"; readonly text: string }
  /** A paragraph, wrapped to the page width; `strong` prints it in bold. */
  | { readonly kind: "paragraph"; readonly text: string; readonly strong?: boolean }
  /** Label and value lines (`Date : …`), the label in bold. */
  | { readonly kind: "facts"; readonly lines: readonly (readonly [label: string, value: string])[] }
  /**
   * A table whose header is repeated on each page. `rowHeight` is the least height of a row in
   * points (a signature box needs room); cells wrap.
   */
  | {
      readonly kind: "table";
      readonly columns: readonly TableColumn[];
      readonly rows: readonly (readonly string[])[];
      readonly rowHeight?: number;
      /** Printed in the table when it has no row. */
      readonly empty: string;
    }
  /** A place, a date and a line to sign on, with the signatory's name under it. */
  | { readonly kind: "signature"; readonly place: string; readonly signatory: string };

/**
 * Whom a document concerns, for the messages that carry it (`core/messages/document-messages.ts`):
 * a participant's certificate (by address), a host structure's roster (with the address of its
 * `Contact`, when it holds one), or the organizer's papers (attendance sheets, headcounts).
 */
export type DocumentSubject =
  | { readonly kind: "certificate"; readonly email: string }
  | { readonly kind: "roster"; readonly structure: string; readonly contact?: string }
  | { readonly kind: "sheet" }
  | { readonly kind: "headcounts" };

/** One document: `file` is a relative path (`emargement-…pdf`, `attestations/….pdf`). */
export interface PrintedDocument {
  readonly file: string;
  /** Whom it concerns (absent on a document no message carries). */
  readonly about?: DocumentSubject;
  readonly title: string;
  /** A line under the title (the event and its dates). */
  readonly subtitle: string;
  readonly blocks: readonly Block[];
  /** Printed at the foot of every page. */
  readonly footer: string;
}

/**
 * A file name made of a label: lowercase ASCII letters, digits and dashes, at most `max`
 * characters (an 80-character name stays a usable file name). `œ` becomes `oe`.
 */
export function fileSlug(label: string, max = 60): string {
  const slug = label
    .replace(/œ/g, "oe")
    .replace(/Œ/g, "OE")
    .replace(/æ/g, "ae")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const cut = slug.slice(0, max).replace(/-+$/g, "");
  return cut === "" ? "sans-nom" : cut;
}

/** Distinct file names: a second `x.pdf` becomes `x-2.pdf`. */
export function uniqueFiles<T extends { readonly file: string }>(documents: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return documents.map((document) => {
    const count = (seen.get(document.file) ?? 0) + 1;
    seen.set(document.file, count);
    return count === 1 ? document : { ...document, file: document.file.replace(/\.pdf$/, `-${count}.pdf`) };
  });
}
