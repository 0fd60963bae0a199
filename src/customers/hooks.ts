import type { Db } from '../database.ts';

/**
 * How later capabilities take part in a customer's life without this folder importing them:
 * each registers what to move on merge, what to wipe on erasure and what to include in an export.
 */
export interface CustomerDataOwner {
  /** A name for the data, used as the key in merge records and exports (e.g. "events"). */
  name: string;
  /** Re-point rows from `fromId` to `intoId`; return the ids of the rows that moved. */
  merge(db: Db, p: { workspaceId: string; fromId: string; intoId: string }): Promise<string[]>;
  /** Undo a merge: move the rows with these ids from `fromId` back to `intoId`. */
  unmerge(db: Db, p: { workspaceId: string; ids: string[]; fromId: string; intoId: string }): Promise<void>;
  /** Remove or anonymise personal data of the customer. */
  erase(db: Db, p: { workspaceId: string; customerId: string }): Promise<void>;
  /** The customer's data for an export. */
  export(db: Db, p: { workspaceId: string; customerId: string }): Promise<unknown>;
}

export class CustomerDataOwners {
  private readonly owners: CustomerDataOwner[] = [];

  register(owner: CustomerDataOwner): void {
    this.owners.push(owner);
  }

  all(): readonly CustomerDataOwner[] {
    return this.owners;
  }
}
