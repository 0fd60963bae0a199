import type { Db } from '../database.ts';
import { canAssignRole, type Role } from '../platform/access/roles.ts';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from './audit.ts';
import { hashPassword, verifyPassword } from './secrets.ts';

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Finds the user with this email or creates one. An existing user keeps their own password:
 * adding them to a workspace never changes how they log in, and the given password is ignored
 * (checking it would hand admins a password-guessing oracle outside the login throttle).
 */
export async function findOrCreateUser(db: Db, input: { email: string; password?: string | undefined; name?: string | null | undefined }) {
  const email = normalizeEmail(input.email);
  const existing = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  if (existing) return { user: existing, created: false };
  if (!input.password) throw invalid('password', 'is required for a new user');
  const user = await db
    .insertInto('users')
    .values({ email, name: input.name ?? null, password_hash: await hashPassword(input.password) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user, created: true };
}

export async function createWorkspace(
  db: Db,
  input: { name: string; ownerEmail: string; ownerPassword: string; ownerName?: string | null },
) {
  return db.transaction().execute(async (tx) => {
    const workspace = await tx
      .insertInto('workspaces')
      .values({ name: input.name, settings: JSON.stringify({}) })
      .returningAll()
      .executeTakeFirstOrThrow();
    const { user, created } = await findOrCreateUser(tx, {
      email: input.ownerEmail,
      password: input.ownerPassword,
      name: input.ownerName,
    });
    // `vafa init` for a second workspace of the same person: prove it is them.
    if (!created && !(await verifyPassword(user.password_hash, input.ownerPassword))) {
      throw invalid('password', `A user ${user.email} already exists with a different password`);
    }
    await tx.insertInto('memberships').values({ workspace_id: workspace.id, user_id: user.id, role: 'owner' }).execute();
    await recordAudit(
      tx,
      { workspaceId: workspace.id, role: 'owner', type: 'system', id: null, label: 'vafa init' },
      { action: 'workspace.created', targetType: 'workspace', targetId: workspace.id, changes: { name: input.name, owner: user.email } },
    );
    return { workspace, user };
  });
}

export async function findWorkspaceByName(db: Db, name: string) {
  return db.selectFrom('workspaces').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
}

export async function listMembers(db: Db, workspaceId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('memberships.created_at')
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at.toISOString() }));
}

export async function addMember(
  db: Db,
  actor: Actor,
  input: { email: string; name?: string | undefined; password?: string | undefined; role: Role },
): Promise<Member> {
  if (!canAssignRole(actor.role, input.role)) throw forbidden(`A ${actor.role} cannot add an ${input.role}`);
  return db.transaction().execute(async (tx) => {
    const { user } = await findOrCreateUser(tx, input);
    const inserted = await tx
      .insertInto('memberships')
      .values({ workspace_id: actor.workspaceId, user_id: user.id, role: input.role })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw conflict(`${user.email} is already a member of this workspace`, 'email');
    await recordAudit(tx, actor, {
      action: 'member.added',
      targetType: 'user',
      targetId: user.id,
      changes: { email: user.email, role: input.role },
    });
    return { userId: user.id, email: user.email, name: user.name, role: inserted.role, createdAt: inserted.created_at.toISOString() };
  });
}

async function membership(db: Db, workspaceId: string, userId: string) {
  const row = await db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound('Member');
  return row;
}

async function ensureAnotherOwner(db: Db, workspaceId: string, userId: string) {
  const owners = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .where('user_id', '!=', userId)
    .execute();
  if (owners.length === 0) throw conflict('A workspace must keep at least one owner');
}

export async function changeRole(db: Db, actor: Actor, userId: string, role: Role): Promise<Member> {
  return db.transaction().execute(async (tx) => {
    const current = await membership(tx, actor.workspaceId, userId);
    if (!canAssignRole(actor.role, role) || !canAssignRole(actor.role, current.role)) {
      throw forbidden(`A ${actor.role} cannot change a ${current.role} to ${role}`);
    }
    if (current.role === 'owner' && role !== 'owner') await ensureAnotherOwner(tx, actor.workspaceId, userId);
    await tx
      .updateTable('memberships')
      .set({ role })
      .where('workspace_id', '=', actor.workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(tx, actor, { action: 'member.role_changed', targetType: 'user', targetId: userId, changes: { role: { from: current.role, to: role } } });
    const members = await listMembers(tx, actor.workspaceId);
    const member = members.find((m) => m.userId === userId);
    if (!member) throw notFound('Member');
    return member;
  });
}

export async function removeMember(db: Db, actor: Actor, userId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const current = await membership(tx, actor.workspaceId, userId);
    if (!canAssignRole(actor.role, current.role)) throw forbidden(`A ${actor.role} cannot remove a ${current.role}`);
    if (current.role === 'owner') await ensureAnotherOwner(tx, actor.workspaceId, userId);
    await tx.deleteFrom('memberships').where('workspace_id', '=', actor.workspaceId).where('user_id', '=', userId).execute();
    await tx.deleteFrom('sessions').where('workspace_id', '=', actor.workspaceId).where('user_id', '=', userId).execute();
    await recordAudit(tx, actor, { action: 'member.removed', targetType: 'user', targetId: userId, changes: { role: current.role } });
  });
}
