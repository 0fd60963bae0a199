import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses, isoDateTime } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { addNote, deleteNote, editNote, listNotes } from '../notes.ts';
import { findCustomer } from '../service.ts';
import { createTask, listTasks, updateTask } from '../tasks.ts';

const noteSchema = z
  .object({ id: z.string(), customerId: z.string(), body: z.string(), authorId: z.string().nullable(), authorLabel: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Note' });
const taskSchema = z
  .object({
    id: z.string(),
    customerId: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    assigneeId: z.string().nullable(),
    dueAt: z.string().nullable(),
    status: z.enum(['open', 'in_progress', 'done', 'cancelled']),
    priority: z.enum(['low', 'normal', 'high', 'urgent']),
    source: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'Task' });
const noteBody = z.strictObject({ body: z.string().trim().min(1, 'must not be empty').max(20_000) });
const taskFields = {
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).nullable(),
  assigneeId: z.uuid().nullable(),
  dueAt: isoDateTime.nullable(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
};

export function notesAndTasksRoutes(app: App, { db }: { db: Db }) {
  const id = z.object({ id: z.uuid() });

  app.get(
    '/api/v1/customers/:id/notes',
    { schema: { tags: ['notes'], security, summary: "A customer's notes", params: id, response: { 200: z.object({ data: z.array(noteSchema) }), ...errorResponses } }, onRequest: guard('customers:read') },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      await findCustomer(db, workspaceId, request.params.id);
      return { data: await listNotes(db, workspaceId, request.params.id) };
    },
  );

  app.post(
    '/api/v1/customers/:id/notes',
    { schema: { tags: ['notes'], security, summary: 'Add a note', params: id, body: noteBody, response: { 201: noteSchema, ...errorResponses } }, onRequest: guard('notes:write') },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, (tx) => addNote(tx, actor, request.params.id, request.body.body));
    },
  );

  app.patch(
    '/api/v1/notes/:id',
    { schema: { tags: ['notes'], security, summary: 'Edit a note', params: id, body: noteBody, response: { 200: noteSchema, ...errorResponses } }, onRequest: guard('notes:write') },
    async (request) => db.transaction().execute((tx) => editNote(tx, actorOf(request), request.params.id, request.body.body)),
  );

  app.delete(
    '/api/v1/notes/:id',
    { schema: { tags: ['notes'], security, summary: 'Delete a note', params: id, response: { 204: z.null(), ...errorResponses } }, onRequest: guard('notes:write') },
    async (request, reply) => {
      await db.transaction().execute((tx) => deleteNote(tx, actorOf(request), request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        security,
        summary: 'Tasks, newest first',
        querystring: z.strictObject({
          customerId: z.uuid().optional(),
          assigneeId: z.uuid().optional(),
          status: z.enum(['open', 'in_progress', 'done', 'cancelled']).optional(),
          limit: limitSchema,
          cursor: cursorSchema,
        }),
        response: { 200: pageSchema(taskSchema), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => listTasks(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        security,
        summary: 'Create a task, optionally about a customer',
        body: z.strictObject({ ...taskFields, customerId: z.uuid().nullable() }).partial().required({ title: true }),
        response: { 201: taskSchema, ...errorResponses },
      },
      onRequest: guard('tasks:write'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, (tx) => createTask(tx, actor, request.body));
    },
  );

  app.patch(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        security,
        summary: 'Change a task (status done closes it)',
        params: id,
        body: z.strictObject({ ...taskFields, status: z.enum(['open', 'in_progress', 'done', 'cancelled']) }).partial(),
        response: { 200: taskSchema, ...errorResponses },
      },
      onRequest: guard('tasks:write'),
    },
    async (request) => db.transaction().execute((tx) => updateTask(tx, actorOf(request), request.params.id, request.body)),
  );
}
