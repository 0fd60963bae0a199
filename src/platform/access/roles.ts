/**
 * Who may do what. A role is a set of permissions; routes ask for a permission, never a role.
 */
export const roles = ['owner', 'admin', 'marketer', 'support', 'analyst'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'customers:read',
  'customers:write',
  'customers:erase', // erase and merge: irreversible or identity-changing
  'notes:write',
  'tasks:write',
  'attributes:manage',
  'team:read',
  'team:manage',
  'keys:manage',
  'audit:read',
  'workspace:manage',
  'analytics:read',
  'analytics:manage', // settings, recompute now
  'segments:manage',
  'messaging:read', // templates, messages, broadcasts, delivery reports
  'messaging:manage', // write templates, send, broadcasts, messaging settings
  'channels:manage', // provider credentials
  'journeys:read', // journeys, their versions and runs
  'journeys:manage', // create, edit, activate, pause, archive journeys; start runs by API
] as const;
export type Permission = (typeof permissions)[number];

const read: Permission[] = ['customers:read', 'team:read', 'analytics:read', 'messaging:read', 'journeys:read'];

export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(permissions),
  admin: new Set(permissions),
  marketer: new Set([...read, 'customers:write', 'notes:write', 'tasks:write', 'attributes:manage', 'analytics:manage', 'segments:manage', 'messaging:manage', 'journeys:manage']),
  support: new Set([...read, 'customers:write', 'notes:write', 'tasks:write']),
  analyst: new Set([...read, 'audit:read', 'analytics:manage']),
};

export const can = (role: Role, permission: Permission): boolean => rolePermissions[role].has(permission);

/** Admins manage the team but cannot create or demote owners. */
export const canAssignRole = (actor: Role, target: Role): boolean =>
  actor === 'owner' || (actor === 'admin' && target !== 'owner');
