import type { contactsEn } from './en';

export const contactsFa: typeof contactsEn = {
  title: 'تقویم ارتباط',
  description: 'چه کسی اخیراً از شما خبری داشته، از چه کانالی و از طرف چه کسی — و چه کسی اصلاً خبری نداشته است.',
  channels: { any: 'هر کانالی', team: 'تیم (یادداشت‌ها، کارهای انجام‌شده)' },
  by: { broadcast: 'ارسال گروهی', api: 'API', person: 'عضو تیم' },
  filters: { days: 'بدون تماس (روز)', channel: 'کانال', segment: 'بخش', allCustomers: 'همهٔ مشتریان' },
  notContacted: {
    title: 'بدون تماس',
    columns: { customer: 'مشتری', lastContact: 'آخرین تماس', silentFor: 'مدت سکوت' },
    never: 'هرگز',
    days: '{{n}} روز',
    empty: 'با همه در {{days}} روز گذشته تماس گرفته شده است.',
  },
  coverage: {
    title: 'پوشش',
    hint: 'سهم {{n}} مشتری که در ۷، ۳۰ و ۹۰ روز گذشته با آن‌ها تماس گرفته شده است.',
    columns: { channel: 'کانال', last7: '۷ روز', last30: '۳۰ روز', last90: '۹۰ روز' },
  },
  alert: {
    title: 'هشدار سکوت',
    hint: 'مشتریانی که این تعداد روز بدون تماس مانده‌اند، برای هر دورهٔ سکوت یک بار به کاری برای مسئول تبدیل می‌شوند. هر ساعت اجرا می‌شود.',
    enabled: 'هشدار روشن',
    days: 'روزهای بدون تماس',
    assignee: 'مسئول',
    nobody: 'بدون مسئول',
    save: 'ذخیرهٔ هشدار',
    saved: 'هشدار ذخیره شد',
    run: 'اجرا اکنون',
    ran: '{{n}} کار ساخته شد',
    lastRun: 'آخرین اجرا: {{at}}',
    neverRun: 'هنوز اجرا نشده',
  },
  card: { title: 'آخرین تماس', none: 'هنوز تماسی نبوده' },
};
