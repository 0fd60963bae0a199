import type { PageLanguage } from './state.ts';

/**
 * The preference page's words. The page is served to customers, not to console users, so its
 * strings live here rather than in the console bundle. `{name}` placeholders are filled (and
 * HTML-escaped) by page.ts.
 */
export interface PageText {
  dir: 'rtl' | 'ltr';
  title: string;
  greeting: string;
  greetingAnonymous: string;
  intro: string;
  channelsHeading: string;
  topicsHeading: string;
  since: string;
  exceptOn: string;
  summary: string;
  save: string;
  unsubscribeAll: string;
  saved: string;
  noChange: string;
  confirmChannel: string;
  confirmTopic: string;
  confirmButton: string;
  doneChannel: string;
  doneTopic: string;
  manageAll: string;
  notFoundTitle: string;
  notFound: string;
  channelNames: Record<string, string>;
}

export const pageText: Record<PageLanguage, PageText> = {
  fa: {
    dir: 'rtl',
    title: 'تنظیمات پیام‌ها',
    greeting: '{name} عزیز،',
    greetingAnonymous: 'سلام،',
    intro: 'انتخاب کنید {workspace} از چه راه‌هایی و درباره چه موضوع‌هایی برایتان پیام بفرستد.',
    channelsHeading: 'راه‌های ارتباطی',
    topicsHeading: 'موضوع‌ها',
    since: 'از {date}',
    exceptOn: 'به‌جز در {channels}',
    summary: '{on} از {all} موضوع فعال است.',
    save: 'ذخیره',
    unsubscribeAll: 'لغو همه اشتراک‌ها',
    saved: 'ذخیره شد: {count} تغییر.',
    noChange: 'تغییری لازم نبود؛ تنظیمات شما همان است.',
    confirmChannel: 'دیگر از راه {channel} پیام تبلیغاتی از {workspace} دریافت نکنید؟',
    confirmTopic: 'دیگر درباره «{topic}» از راه {channel} پیامی از {workspace} دریافت نکنید؟',
    confirmButton: 'لغو اشتراک',
    doneChannel: 'اشتراک شما لغو شد؛ {workspace} دیگر از راه {channel} پیام تبلیغاتی نمی‌فرستد.',
    doneTopic: 'اشتراک «{topic}» از راه {channel} لغو شد.',
    manageAll: 'مدیریت همه تنظیمات',
    notFoundTitle: 'پیوند نامعتبر',
    notFound: 'این پیوند معتبر نیست یا دیگر کار نمی‌کند.',
    channelNames: { email: 'ایمیل', sms: 'پیامک', whatsapp: 'واتس‌اپ', telegram: 'تلگرام', bale: 'بله', eitaa: 'ایتا', rubika: 'روبیکا', push: 'اعلان مرورگر', voice: 'تماس صوتی' },
  },
  ar: {
    dir: 'rtl',
    title: 'إعدادات الرسائل',
    greeting: 'عزيزي {name}،',
    greetingAnonymous: 'مرحبًا،',
    intro: 'اختر القنوات والمواضيع التي يمكن أن يراسلك بها {workspace}.',
    channelsHeading: 'قنوات التواصل',
    topicsHeading: 'المواضيع',
    since: 'منذ {date}',
    exceptOn: 'ما عدا {channels}',
    summary: '{on} من {all} مواضيع مفعّلة.',
    save: 'حفظ',
    unsubscribeAll: 'إلغاء كل الاشتراكات',
    saved: 'تم الحفظ: {count} تغيير.',
    noChange: 'لا حاجة لأي تغيير؛ إعداداتك كما هي.',
    confirmChannel: 'هل تريد التوقف عن تلقي الرسائل الترويجية من {workspace} عبر {channel}؟',
    confirmTopic: 'هل تريد التوقف عن تلقي رسائل «{topic}» من {workspace} عبر {channel}؟',
    confirmButton: 'إلغاء الاشتراك',
    doneChannel: 'تم إلغاء اشتراكك؛ لن يرسل {workspace} رسائل ترويجية عبر {channel}.',
    doneTopic: 'تم إلغاء اشتراك «{topic}» عبر {channel}.',
    manageAll: 'إدارة كل الإعدادات',
    notFoundTitle: 'رابط غير صالح',
    notFound: 'هذا الرابط غير صالح أو لم يعد يعمل.',
    channelNames: { email: 'البريد الإلكتروني', sms: 'الرسائل القصيرة', whatsapp: 'واتساب', telegram: 'تيليجرام', bale: 'بله', eitaa: 'إيتا', rubika: 'روبيكا', push: 'إشعارات المتصفح', voice: 'المكالمات الصوتية' },
  },
  en: {
    dir: 'ltr',
    title: 'Message preferences',
    greeting: 'Dear {name},',
    greetingAnonymous: 'Hello,',
    intro: 'Choose how and about what {workspace} may contact you.',
    channelsHeading: 'Channels',
    topicsHeading: 'Topics',
    since: 'since {date}',
    exceptOn: 'except on {channels}',
    summary: '{on} of {all} topics are on.',
    save: 'Save',
    unsubscribeAll: 'Unsubscribe from everything',
    saved: 'Saved: {count} change(s).',
    noChange: 'Nothing needed changing; your preferences are as they were.',
    confirmChannel: 'Stop receiving marketing messages from {workspace} by {channel}?',
    confirmTopic: 'Stop receiving “{topic}” messages from {workspace} by {channel}?',
    confirmButton: 'Unsubscribe',
    doneChannel: 'You are unsubscribed: {workspace} will send no more marketing messages by {channel}.',
    doneTopic: 'You are unsubscribed from “{topic}” by {channel}.',
    manageAll: 'Manage all preferences',
    notFoundTitle: 'Invalid link',
    notFound: 'This link is not valid or no longer works.',
    channelNames: { email: 'email', sms: 'SMS', whatsapp: 'WhatsApp', telegram: 'Telegram', bale: 'Bale', eitaa: 'Eitaa', rubika: 'Rubika', push: 'browser notifications', voice: 'voice calls' },
  },
};
