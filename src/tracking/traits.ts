import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { attributeDefinitions } from '../customers/attributes.ts';
import { customerFields, type CustomerInput } from '../customers/schema.ts';
import { updateCustomer } from '../customers/service.ts';
import type { AttributeType } from '../customers/tables.ts';
import type { Actor } from '../platform/http/actor.ts';
import { toE164 } from '../platform/text/phone.ts';

/**
 * Segment reserved traits (https://segment.com/docs/connections/spec/identify/#traits) → profile
 * fields; every other trait becomes a custom attribute, defined on first sight with the type of
 * its value. A trait that does not fit (a malformed phone, a value of the wrong type for an
 * existing attribute) is skipped and reported back, never failing the batch: the event itself is
 * always stored.
 */
const reserved = new Set([
  'email', 'phone', 'firstName', 'first_name', 'lastName', 'last_name', 'name', 'birthday', 'gender', 'address', 'city',
  'title', 'job', 'createdAt', 'created_at', 'id', 'userId', 'anonymousId', 'language', 'timezone', 'avatar', 'description',
  'username', 'website', 'age', 'company', 'interests', 'tags',
]);

const genders: Record<string, CustomerInput['gender']> = {
  f: 'female', female: 'female', woman: 'female', زن: 'female', انثى: 'female', أنثى: 'female',
  m: 'male', male: 'male', man: 'male', مرد: 'male', ذكر: 'male', other: 'other', unknown: 'unknown',
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function inferType(value: unknown): AttributeType | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return 'list';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value)) ? 'date' : 'string';
  return undefined;
}

function fits(type: AttributeType, options: string[], value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'enum':
      return typeof value === 'string' && options.includes(value);
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'string':
      return typeof value === 'string' && value.length <= 2000;
  }
}

/** Keeps a field only when the profile schema accepts it. */
function valid<K extends keyof typeof customerFields>(key: K, value: unknown, skipped: string[]): unknown {
  if (value === undefined) return undefined;
  const parsed = customerFields[key].safeParse(value);
  if (parsed.success) return parsed.data;
  skipped.push(String(key));
  return undefined;
}

export async function applyTraits(
  tx: Db,
  actor: Actor,
  customerId: string,
  traits: Record<string, unknown>,
  context: Record<string, unknown>,
  country: string,
): Promise<string[]> {
  const skipped: string[] = [];
  const current = await sql<{ emails: string[]; phones: string[]; tags: string[] }>`
    select emails, phones, tags from customers where id = ${customerId} for update`.execute(tx);
  const now = current.rows[0];
  if (!now) return skipped;

  const input: CustomerInput = {};
  const set = <K extends keyof typeof customerFields>(key: K, value: unknown) => {
    const v = valid(key, value, skipped);
    if (v !== undefined) (input as Record<string, unknown>)[key] = v;
  };
  const email = str(traits.email)?.toLowerCase();
  if (email) set('emails', [email, ...now.emails.filter((e) => e !== email)]);
  const phone = str(traits.phone);
  if (phone) {
    const e164 = toE164(phone, country);
    if (e164.ok) input.phones = [e164.value, ...now.phones.filter((p) => p !== e164.value)];
    else skipped.push('phone');
  }
  const name = str(traits.name);
  const [first, ...rest] = name ? name.split(/\s+/) : [];
  set('firstName', str(traits.firstName ?? traits.first_name) ?? first);
  set('lastName', str(traits.lastName ?? traits.last_name) ?? (rest.length ? rest.join(' ') : undefined));
  set('birthday', str(traits.birthday)?.slice(0, 10));
  const gender = str(traits.gender)?.toLowerCase();
  if (gender) set('gender', genders[gender] ?? 'other');
  const address = traits.address as Record<string, unknown> | undefined;
  set('city', str(address?.city ?? traits.city));
  set('job', str(traits.title ?? traits.job));
  const locale = str(traits.language) ?? str(context.locale);
  set('language', locale?.split(/[-_]/)[0]?.toLowerCase());
  set('timezone', str(traits.timezone ?? context.timezone));
  if (Array.isArray(traits.interests)) set('interests', traits.interests);
  if (Array.isArray(traits.tags)) set('tags', [...new Set([...now.tags, ...traits.tags.filter((t): t is string => typeof t === 'string')])]);

  const custom = Object.entries(traits).filter(([k, v]) => !reserved.has(k) && v !== null && v !== undefined && /^[A-Za-z_][\w.-]{0,63}$/.test(k));
  if (custom.length) {
    const defs = await attributeDefinitions(tx, actor.workspaceId);
    const attributes: Record<string, unknown> = {};
    for (const [key, value] of custom) {
      const def = defs.get(key);
      const type = def?.type ?? inferType(value);
      if (!type || (def && !fits(def.type, def.options, value))) {
        skipped.push(`traits.${key}`);
        continue;
      }
      if (!def) {
        await sql`insert into attribute_definitions (workspace_id, key, label, type) values (${actor.workspaceId}, ${key}, ${key}, ${type})
                  on conflict do nothing`.execute(tx);
      }
      attributes[key] = value;
    }
    if (Object.keys(attributes).length) input.attributes = attributes;
  }
  if (Object.keys(input).length) await updateCustomer(tx, actor, customerId, input, { defaultCountry: country });
  return skipped;
}
