import type { AttributeDefinition, Customer, CustomerInput, Gender } from '../api/types';

/** Custom attribute values as form inputs hold them: text for most types, a list for `list`. */
export type AttributeDraft = string | string[];

/** The edit form's state: strings for inputs, arrays for tag inputs. */
export interface EditDraft {
  firstName: string;
  lastName: string;
  emails: string[];
  phones: string[];
  birthday: string;
  gender: string;
  city: string;
  language: string;
  timezone: string;
  externalId: string;
  job: string;
  incomeBand: string;
  interests: string[];
  challenges: string[];
  tags: string[];
  attributes: Record<string, AttributeDraft>;
}

const TEXT_FIELDS = ['firstName', 'lastName', 'birthday', 'city', 'language', 'timezone', 'externalId', 'job', 'incomeBand'] as const;
const LIST_FIELDS = ['emails', 'phones', 'interests', 'challenges', 'tags'] as const;

function attributeToDraft(def: AttributeDefinition, value: unknown): AttributeDraft {
  if (def.type === 'list') return Array.isArray(value) ? value.map(String) : [];
  if (value === null || value === undefined) return '';
  if (def.type === 'date' && typeof value === 'string') return value.slice(0, 10);
  return String(value);
}

/** The value to send, or null to remove it. A number that does not parse is sent as typed: the API names the field. */
function draftToAttribute(def: AttributeDefinition, draft: AttributeDraft): unknown {
  if (Array.isArray(draft)) return draft.length ? draft : null;
  const text = draft.trim();
  if (text === '') return null;
  switch (def.type) {
    case 'number':
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true';
    default:
      return text;
  }
}

export function toDraft(customer: Customer, definitions: AttributeDefinition[]): EditDraft {
  const values = (customer.attributes ?? {}) as Record<string, unknown>;
  return {
    firstName: customer.firstName ?? '',
    lastName: customer.lastName ?? '',
    emails: customer.emails ?? [],
    phones: customer.phones ?? [],
    birthday: customer.birthday ?? '',
    gender: customer.gender ?? '',
    city: customer.city ?? '',
    language: customer.language ?? '',
    timezone: customer.timezone ?? '',
    externalId: customer.externalId ?? '',
    job: customer.job ?? '',
    incomeBand: customer.incomeBand ?? '',
    interests: customer.interests ?? [],
    challenges: customer.challenges ?? [],
    tags: customer.tags ?? [],
    attributes: Object.fromEntries(definitions.map((d) => [d.key, attributeToDraft(d, values[d.key])])),
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Only what changed goes into the PATCH. A cleared text field is sent as null; custom
 * attributes are merged by the server (a value replaces, null removes), so only changed keys go.
 */
export function toPatch(customer: Customer, draft: EditDraft, definitions: AttributeDefinition[]): CustomerInput {
  const before = toDraft(customer, definitions);
  const patch: Record<string, unknown> = {};
  for (const key of TEXT_FIELDS) {
    const value = draft[key].trim();
    if (value !== before[key]) patch[key] = value || null;
  }
  if (draft.gender !== before.gender) patch.gender = (draft.gender || null) as Gender | null;
  for (const key of LIST_FIELDS) {
    if (!sameList(draft[key], before[key])) patch[key] = draft[key];
  }

  const attributes: Record<string, unknown> = {};
  for (const def of definitions) {
    const next = draft.attributes[def.key] ?? '';
    const previous = before.attributes[def.key] ?? '';
    const changed = Array.isArray(next) && Array.isArray(previous) ? !sameList(next, previous) : next !== previous;
    if (changed) attributes[def.key] = draftToAttribute(def, next);
  }
  if (Object.keys(attributes).length) patch.attributes = attributes;
  return patch as CustomerInput;
}
