/** Codes of a pool-level assignment besides pool indices. */
export const UNPLACED = -1;
export const LOCKED = -2;
