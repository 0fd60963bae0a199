import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { rolePermissions, type Permission, type Role } from '../platform/access/roles.ts';
import { AppError, forbidden, unauthenticated } from '../platform/errors.ts';
import { normalizeEmail } from './team.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';

/** Failed logins allowed per email (and per address) in the window before answering 429. */
export const LOGIN_LIMIT = { failures: 5, perIpFailures: 30, windowMinutes: 15 };

export interface SessionView {
  user: { id: string; email: string; name: string | null };
  workspace: { id: string; name: string };
  role: Role;
  /** What this role may do here; the console hides what would be refused. */
  permissions: Permission[];
  csrfToken: string;
  workspaces: { id: string; name: string; role: Role }[];
}

async function workspacesOf(db: Db, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at')
    .execute();
}

async function throttle(db: Db, email: string, ip: string) {
  const since = sql<Date>`now() - make_interval(mins => ${LOGIN_LIMIT.windowMinutes})`;
  const counts = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) filter (where email = ${email})`.as('byEmail'),
      sql<number>`count(*) filter (where ip = ${ip})`.as('byIp'),
    ])
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('email', '=', email), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();
  if (Number(counts.byEmail) >= LOGIN_LIMIT.failures || Number(counts.byIp) >= LOGIN_LIMIT.perIpFailures) {
    throw new AppError('RATE_LIMITED', `Too many failed logins; try again in ${LOGIN_LIMIT.windowMinutes} minutes`);
  }
}

export async function login(
  db: Db,
  input: { email: string; password: string; workspaceId?: string | undefined; ip: string; sessionDays: number },
): Promise<{ token: string; session: SessionView; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  await throttle(db, email, input.ip);
  const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  // Verify against a dummy hash when the user is unknown, so timing does not reveal who exists.
  const ok = user ? await verifyPassword(user.password_hash, input.password) : await verifyPassword(await dummyHash(), input.password);
  await db.insertInto('login_attempts').values({ email, ip: input.ip, succeeded: Boolean(user && ok) }).execute();
  if (!user || !ok) throw unauthenticated('Wrong email or password');

  const memberships = await workspacesOf(db, user.id);
  const chosen = input.workspaceId ? memberships.find((m) => m.id === input.workspaceId) : memberships[0];
  if (!chosen) throw forbidden('You are not a member of that workspace');

  const token = randomToken();
  const expiresAt = new Date(Date.now() + input.sessionDays * 86_400_000);
  const row = await db
    .insertInto('sessions')
    .values({ token_hash: sha256(token), user_id: user.id, workspace_id: chosen.id, csrf_token: randomToken(), expires_at: expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, expiresAt, session: await describeSession(db, row.id) };
}

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword('no user has this password'));

/** The live session for a cookie token, or undefined when it is unknown, expired or the membership is gone. */
export async function findSession(db: Db, token: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('memberships', (j) =>
      j.onRef('memberships.user_id', '=', 'sessions.user_id').onRef('memberships.workspace_id', '=', 'sessions.workspace_id'),
    )
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.user_id', 'sessions.workspace_id', 'sessions.csrf_token', 'memberships.role', 'users.email'])
    .where('sessions.token_hash', '=', sha256(token))
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
}

export async function describeSession(db: Db, sessionId: string): Promise<SessionView> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
    .innerJoin('memberships', (j) =>
      j.onRef('memberships.user_id', '=', 'sessions.user_id').onRef('memberships.workspace_id', '=', 'sessions.workspace_id'),
    )
    .select([
      'users.id as userId',
      'users.email',
      'users.name',
      'workspaces.id as workspaceId',
      'workspaces.name as workspaceName',
      'memberships.role',
      'sessions.csrf_token',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) throw unauthenticated('Session expired');
  return {
    user: { id: row.userId, email: row.email, name: row.name },
    workspace: { id: row.workspaceId, name: row.workspaceName },
    role: row.role,
    permissions: [...rolePermissions[row.role]],
    csrfToken: row.csrf_token,
    workspaces: await workspacesOf(db, row.userId),
  };
}

export async function switchWorkspace(db: Db, sessionId: string, userId: string, workspaceId: string) {
  const member = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!member) throw forbidden('You are not a member of that workspace');
  await db.updateTable('sessions').set({ workspace_id: workspaceId }).where('id', '=', sessionId).execute();
  return describeSession(db, sessionId);
}

export async function logout(db: Db, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}
