/**
 * Strings of the communication calendar (/contacts) and the profile's last-contact card.
 * en is the reference shape; fa.ts and ar.ts are typed against it.
 */
export const contactsEn = {
  title: 'Communication calendar',
  description: 'Who heard from you lately, on which channel and from whom — and who has not heard from you at all.',
  channels: { any: 'Any channel', team: 'Team (notes, done tasks)' },
  by: { broadcast: 'Broadcast', api: 'API', person: 'Team member' },
  filters: { days: 'Not contacted for (days)', channel: 'Channel', segment: 'Segment', allCustomers: 'All customers' },
  notContacted: {
    title: 'Not contacted',
    columns: { customer: 'Customer', lastContact: 'Last contact', silentFor: 'Silent for' },
    never: 'Never',
    days: '{{n}} days',
    empty: 'Everyone was contacted within {{days}} days.',
  },
  coverage: {
    title: 'Coverage',
    hint: 'Share of {{n}} customers contacted in the last 7, 30 and 90 days.',
    columns: { channel: 'Channel', last7: '7 days', last30: '30 days', last90: '90 days' },
  },
  alert: {
    title: 'Silence alert',
    hint: 'Customers silent for this many days become a task for the assignee, once per silence. It runs every hour.',
    enabled: 'Alert on',
    days: 'Days without contact',
    assignee: 'Assignee',
    nobody: 'Unassigned',
    save: 'Save alert',
    saved: 'Alert saved',
    run: 'Run now',
    ran: '{{n}} tasks created',
    lastRun: 'Last run: {{at}}',
    neverRun: 'Not run yet',
  },
  card: { title: 'Last contact', none: 'No contact yet' },
};
