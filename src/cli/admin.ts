import { z } from 'zod';
import { createServices } from '../app.ts';
import { createDb, type Db } from '../database.ts';
import { DEMO_LOGIN, loadDemo } from '../demo/load.ts';
import { roles } from '../platform/access/roles.ts';
import type { Config } from '../platform/config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openStorage } from '../platform/db/storage.ts';
import { invalid } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { createApiKey } from '../workspaces/keys.ts';
import { addMember, createWorkspace } from '../workspaces/team.ts';

type Flags = Record<string, string | boolean | undefined>;

/** Opens storage, migrates, runs `work` with a database, and always closes everything. */
export async function withDatabase<T>(config: Config, log: Logger, work: (db: Db) => Promise<T>): Promise<T> {
  const storage = await openStorage(config, log);
  const db = createDb(storage.url, 2);
  try {
    await migrate(storage.url);
    return await work(db);
  } finally {
    await db.destroy();
    await storage.stop();
  }
}

function parse<T extends z.ZodRawShape>(shape: T, flags: Flags): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(flags);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(`--${String(issue?.path[0] ?? '')}`, issue?.message ?? 'invalid');
  }
  return result.data;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export async function initCommand(config: Config, log: Logger, flags: Flags): Promise<number> {
  const input = parse(
    {
      workspace: z.string().trim().min(1, 'is required'),
      email: z.email('must be an email address'),
      password: z.string().min(8, 'must be at least 8 characters'),
      name: z.string().optional(),
    },
    flags,
  );
  const result = await withDatabase(config, log, async (db) => {
    const { workspace, user } = await createWorkspace(db, {
      name: input.workspace,
      ownerEmail: input.email,
      ownerPassword: input.password,
      ownerName: input.name ?? null,
    });
    const secret = await createApiKey(db, workspace.id, { kind: 'secret', name: 'vafa init', role: 'owner', createdBy: user.id });
    const write = await createApiKey(db, workspace.id, { kind: 'write', name: 'vafa init', createdBy: user.id });
    return { workspaceId: workspace.id, secretKey: secret.key, writeKey: write.key };
  });
  print(result);
  return 0;
}

export async function migrateCommand(config: Config, log: Logger): Promise<number> {
  const storage = await openStorage(config, log);
  try {
    const applied = await migrate(storage.url);
    print({ applied });
  } finally {
    await storage.stop();
  }
  return 0;
}

const systemActor = (workspaceId: string) => ({ workspaceId, role: 'owner' as const, type: 'system' as const, id: null, label: 'vafa cli' });

export async function userAddCommand(config: Config, log: Logger, flags: Flags): Promise<number> {
  const input = parse(
    {
      workspace: z.uuid('must be a workspace id'),
      email: z.email('must be an email address'),
      password: z.string().min(8, 'must be at least 8 characters'),
      role: z.enum(roles),
      name: z.string().optional(),
    },
    flags,
  );
  const member = await withDatabase(config, log, (db) =>
    addMember(db, systemActor(input.workspace), { email: input.email, password: input.password, role: input.role, name: input.name }),
  );
  print(member);
  return 0;
}

export async function keyCreateCommand(config: Config, log: Logger, flags: Flags): Promise<number> {
  const input = parse(
    { workspace: z.uuid('must be a workspace id'), kind: z.enum(['secret', 'write']), name: z.string().min(1, 'is required'), role: z.enum(roles).optional() },
    flags,
  );
  const key = await withDatabase(config, log, async (db) => {
    const ws = await db.selectFrom('workspaces').select('id').where('id', '=', input.workspace).executeTakeFirst();
    if (!ws) throw invalid('--workspace', 'no such workspace');
    return createApiKey(db, input.workspace, { kind: input.kind, name: input.name, role: input.kind === 'secret' ? (input.role ?? 'admin') : undefined });
  });
  print(key);
  return 0;
}

export async function demoCommand(config: Config, log: Logger, opts: { generated: boolean }): Promise<number> {
  const result = await withDatabase(config, log, (db) =>
    loadDemo(createServices(db, config, log), { referenceDataDir: config.referenceDataDir, forceGenerated: opts.generated }),
  );
  print({ ...result, login: DEMO_LOGIN });
  return 0;
}
