import type { Permission, Role } from '../access/roles.ts';

/** Who is calling, in which workspace, with which role. Every service call carries one. */
export interface Actor {
  workspaceId: string;
  role: Role;
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  label: string;
  requestId?: string;
  /** Set for console sessions: writes must echo it in X-CSRF-Token. */
  csrfToken?: string;
  /** Set for console sessions. */
  sessionId?: string;
}

export type { Permission, Role };
