import type { Selectable } from 'kysely';
import { searchKey } from '../platform/text/normalize.ts';
import { phoneSearchForms } from '../platform/text/phone.ts';
import type { ConsentChannel, CustomerView } from './schema.ts';
import type { CustomerRow } from './tables.ts';

export type Customer = Selectable<CustomerRow>;
export interface ConsentRow {
  channel: string;
  status: 'granted' | 'revoked';
  source: string;
  changed_at: Date;
}

export function displayName(c: Pick<Customer, 'first_name' | 'last_name' | 'emails' | 'phones' | 'external_id'>): string {
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return name || c.emails[0] || c.phones[0] || c.external_id || '—';
}

/** What `?q=` matches: names, emails, external id and every typed form of each phone. */
export function buildSearchText(c: Pick<Customer, 'first_name' | 'last_name' | 'emails' | 'phones' | 'external_id'>): string {
  const parts = [c.first_name, c.last_name, c.external_id, ...c.emails].filter((p): p is string => Boolean(p));
  return [searchKey(parts.join(' ')), ...c.phones.flatMap(phoneSearchForms)].join(' ').trim();
}

export function toView(c: Customer, consents: ConsentRow[]): CustomerView {
  return {
    id: c.id,
    externalId: c.external_id,
    displayName: displayName(c),
    firstName: c.first_name,
    lastName: c.last_name,
    emails: c.emails,
    phones: c.phones,
    birthday: c.birthday,
    gender: c.gender,
    city: c.city,
    language: c.language,
    timezone: c.timezone,
    job: c.job,
    incomeBand: c.income_band,
    interests: c.interests,
    challenges: c.challenges,
    attributes: c.attributes,
    tags: c.tags,
    consents: consents.map((k) => ({
      channel: k.channel as ConsentChannel,
      status: k.status,
      source: k.source,
      changedAt: k.changed_at.toISOString(),
    })),
    anonymous: c.anonymous,
    mergedIntoId: c.merged_into,
    erasedAt: c.erased_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

/** Maps API field names to columns. */
export const columnOf = {
  externalId: 'external_id',
  firstName: 'first_name',
  lastName: 'last_name',
  emails: 'emails',
  phones: 'phones',
  birthday: 'birthday',
  gender: 'gender',
  city: 'city',
  language: 'language',
  timezone: 'timezone',
  job: 'job',
  incomeBand: 'income_band',
  interests: 'interests',
  challenges: 'challenges',
  attributes: 'attributes',
  tags: 'tags',
} as const;
