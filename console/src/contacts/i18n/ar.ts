import type { contactsEn } from './en';

export const contactsAr: typeof contactsEn = {
  title: 'تقويم التواصل',
  description: 'من تواصلتم معه مؤخراً، وعبر أي قناة ومن قِبل من — ومن لم يسمع منكم إطلاقاً.',
  channels: { any: 'أي قناة', team: 'الفريق (ملاحظات، مهام منجزة)' },
  by: { broadcast: 'بث جماعي', api: 'API', person: 'عضو في الفريق' },
  filters: { days: 'بلا تواصل منذ (أيام)', channel: 'القناة', segment: 'الشريحة', allCustomers: 'كل العملاء' },
  notContacted: {
    title: 'بلا تواصل',
    columns: { customer: 'العميل', lastContact: 'آخر تواصل', silentFor: 'مدة الصمت' },
    never: 'أبداً',
    days: '{{n}} يوم',
    empty: 'تم التواصل مع الجميع خلال {{days}} يوماً.',
  },
  coverage: {
    title: 'التغطية',
    hint: 'نسبة {{n}} عميلاً تم التواصل معهم في آخر 7 و30 و90 يوماً.',
    columns: { channel: 'القناة', last7: '7 أيام', last30: '30 يوماً', last90: '90 يوماً' },
  },
  alert: {
    title: 'تنبيه الصمت',
    hint: 'العملاء الصامتون لهذا العدد من الأيام يصبحون مهمة للمسؤول، مرة لكل فترة صمت. يعمل كل ساعة.',
    enabled: 'التنبيه مفعّل',
    days: 'أيام بلا تواصل',
    assignee: 'المسؤول',
    nobody: 'بلا مسؤول',
    save: 'حفظ التنبيه',
    saved: 'تم حفظ التنبيه',
    run: 'تشغيل الآن',
    ran: 'أُنشئت {{n}} مهمة',
    lastRun: 'آخر تشغيل: {{at}}',
    neverRun: 'لم يُشغَّل بعد',
  },
  card: { title: 'آخر تواصل', none: 'لا تواصل بعد' },
};
