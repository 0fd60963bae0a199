/**
 * What this process last saw of the rows that steady tracking traffic only reads: which
 * customer each userId and anonymousId points at, the catalog rows products are sighted
 * against, the workspace settings the batch reads, and which identify traits were last applied
 * to which customer row.
 *
 * Nothing here is trusted: it is a prediction that the batch's single statement verifies in its
 * own snapshot (src/tracking/fast-path.ts). A prediction that no longer holds (another process
 * merged customers, someone edited a product or a profile) makes that statement write nothing,
 * and the batch takes the full path, which reads the truth and refreshes the entries. So the
 * cache can only save round trips, never change what is stored. Entries are per process and
 * bounded; the least recently written go first.
 */
import type { ProductSighting } from './commerce.ts';

export interface CachedProduct extends Omit<ProductSighting, 'id'> {
  /** md5 of the whole products row (updated_at included) when it was read */
  fingerprint: string;
}

export interface AppliedTraitsEntry {
  /** traits + the context fields applyTraits reads + attribute definitions fingerprint */
  key: string;
  /** md5 of the customer row right after the traits were applied */
  fingerprint: string;
  /** Traits that did not fit (reported on the event as warnings). */
  skipped: string[];
}

export interface CachedWorkspace {
  displayCurrency: string | null;
  /** md5 of the attribute definitions; undefined when not read yet */
  definitions?: string | null;
}

/** A Map that forgets its oldest entries beyond `capacity`. */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/** One workspace's entries. */
interface Space {
  users: Bounded<string>;
  anons: Bounded<string>;
  products: Bounded<CachedProduct>;
  settings?: CachedWorkspace;
}

export class IntakeCache {
  private readonly spaces = new Map<string, Space>();
  /** False once the database turned out not to have vafa_store_predicted_batch. */
  predicting = true;
  private readonly traits: Bounded<AppliedTraitsEntry>;

  /** `capacity`: entries per kind and workspace (ids), a quarter of it for products and traits. */
  constructor(private readonly capacity = 200_000) {
    this.traits = new Bounded(capacity / 4);
  }

  private space(workspaceId: string): Space {
    let space = this.spaces.get(workspaceId);
    if (!space) {
      space = { users: new Bounded(this.capacity), anons: new Bounded(this.capacity), products: new Bounded(this.capacity / 4) };
      this.spaces.set(workspaceId, space);
    }
    return space;
  }

  user(workspaceId: string, userId: string) {
    return this.spaces.get(workspaceId)?.users.get(userId);
  }
  anonymous(workspaceId: string, anonymousId: string) {
    return this.spaces.get(workspaceId)?.anons.get(anonymousId);
  }
  product(workspaceId: string, productId: string) {
    return this.spaces.get(workspaceId)?.products.get(productId);
  }
  workspace(workspaceId: string) {
    return this.spaces.get(workspaceId)?.settings;
  }
  /** The identify traits last applied to a customer (customer ids are unique across workspaces). */
  appliedTraits(customerId: string) {
    return this.traits.get(customerId);
  }

  rememberIds(workspaceId: string, users: Iterable<[string, string]>, anons: Iterable<[string, string]>): void {
    const space = this.space(workspaceId);
    for (const [id, customerId] of users) space.users.set(id, customerId);
    for (const [id, customerId] of anons) space.anons.set(id, customerId);
  }
  rememberProduct(workspaceId: string, productId: string, row: CachedProduct): void {
    this.space(workspaceId).products.set(productId, row);
  }
  rememberWorkspace(workspaceId: string, settings: CachedWorkspace): void {
    const space = this.space(workspaceId);
    const known = space.settings;
    space.settings = { ...settings, definitions: settings.definitions !== undefined ? settings.definitions : known?.definitions };
  }
  rememberTraits(customerId: string, entry: AppliedTraitsEntry): void {
    this.traits.set(customerId, entry);
  }

  /** Drops what a batch relied on, after its statement found a prediction stale. */
  forget(workspaceId: string, ids: { users: Iterable<string>; anons: Iterable<string>; products: Iterable<string>; customers: Iterable<string> }): void {
    const space = this.spaces.get(workspaceId);
    if (space) {
      space.settings = undefined;
      for (const id of ids.users) space.users.delete(id);
      for (const id of ids.anons) space.anons.delete(id);
      for (const id of ids.products) space.products.delete(id);
    }
    for (const id of ids.customers) this.traits.delete(id);
  }

  /** The memo key of an identify call's traits. */
  static traitsKey(traits: Record<string, unknown>, context: Record<string, unknown>, definitions: string | null | undefined): string {
    return JSON.stringify([traits, context.locale ?? null, context.timezone ?? null, definitions ?? null]);
  }
}
