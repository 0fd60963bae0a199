import type { Permission, Session } from '../api/types';

/**
 * Whether the session's role may do something. The server sends the role's permissions with
 * the session (and enforces them); the console only uses them to hide what would be refused.
 */
export function can(session: Session, permission: Permission): boolean {
  return session.permissions.includes(permission);
}
