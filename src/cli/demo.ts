import type { Db } from '../database.ts';
import { addNote } from '../customers/notes.ts';
import { createCustomer, setConsent } from '../customers/service.ts';
import { createTask } from '../customers/tasks.ts';
import type { Actor } from '../platform/http/actor.ts';
import { createWorkspace } from '../workspaces/team.ts';

export const DEMO_LOGIN = { email: 'demo@vafa.local', password: 'vafa-demo-1234' };

const people = [
  { firstName: 'علی', lastName: 'کریمی', phones: ['09121234567'], city: 'تهران', language: 'fa', tags: ['vip'] },
  { firstName: 'مریم', lastName: 'احمدی', emails: ['maryam.ahmadi@example.com'], city: 'اصفهان', language: 'fa', gender: 'female' as const },
  { firstName: 'رضا', lastName: 'محمدی', phones: ['+98 935 765 4321'], city: 'شیراز', language: 'fa', tags: ['wholesale'] },
  { firstName: 'زهرا', lastName: 'حسینی', emails: ['zahra@example.com'], phones: ['0912 555 1020'], city: 'مشهد', language: 'fa' },
  { firstName: 'فاطمة', lastName: 'العلي', phones: ['+971 50 123 4567'], city: 'دبي', language: 'ar', gender: 'female' as const },
  { firstName: 'محمد', lastName: 'الكعبي', emails: ['m.alkaabi@example.ae'], city: 'أبوظبي', language: 'ar' },
  { firstName: 'Sara', lastName: 'Johnson', emails: ['sara.johnson@example.com'], city: 'London', language: 'en', tags: ['newsletter'] },
  { firstName: 'David', lastName: 'Chen', emails: ['david.chen@example.com'], phones: ['+1 415 555 0134'], city: 'San Francisco', language: 'en' },
];

/**
 * The workspace `npm start` shows on an empty database: a demo shop with a few profiles,
 * so the console has something to look at. Later capabilities add orders and events to it.
 */
export async function ensureDemoWorkspace(db: Db): Promise<typeof DEMO_LOGIN | undefined> {
  const existing = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) {
    const demoUser = await db.selectFrom('users').select('id').where('email', '=', DEMO_LOGIN.email).executeTakeFirst();
    return demoUser ? DEMO_LOGIN : undefined;
  }
  const { workspace, user } = await createWorkspace(db, { name: 'Demo Shop', ownerEmail: DEMO_LOGIN.email, ownerPassword: DEMO_LOGIN.password, ownerName: 'Demo Owner' });
  const actor: Actor = { workspaceId: workspace.id, role: 'owner', type: 'user', id: user.id, label: DEMO_LOGIN.email };
  await db.transaction().execute(async (tx) => {
    for (const [i, person] of people.entries()) {
      const customer = await createCustomer(tx, actor, { ...person, externalId: `demo-${i + 1}` }, { defaultCountry: 'IR' });
      if (person.emails) await setConsent(tx, actor, customer.id, 'email', { status: 'granted', source: 'demo signup form' });
      if (person.phones) await setConsent(tx, actor, customer.id, 'sms', { status: 'granted', source: 'demo checkout' });
      if (i === 0) {
        await addNote(tx, actor, customer.id, 'مشتری وفادار؛ ترجیح می‌دهد با پیامک با او تماس بگیریم.');
        await createTask(tx, actor, { title: 'تماس برای نظرسنجی رضایت', customerId: customer.id, assigneeId: user.id, dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
      }
    }
  });
  return DEMO_LOGIN;
}
