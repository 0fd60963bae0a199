import { RUN_CODE_PLACEHOLDER } from '../engine/codes.ts';
import { giftCodeAttribute, type Recipe, smsName as n } from './recipe.ts';

/** Win-back: N days without an order → a personal note → an offer with a code → a call task for the team. */
export const winBack: Recipe = {
  key: 'win_back',
  name: { fa: 'بازگرداندن مشتریان خاموش', ar: 'استعادة العملاء الغائبين', en: 'Win-back' },
  description: {
    fa: 'مشتری‌ای که مدتی خرید نکرده: اول یک پیام شخصی، یک هفته بعد اگر برنگشت کد تخفیف، و هفتهٔ بعد یک کار «تماس با مشتری» برای تیم. «days»: روزهای بی‌خریدی (پیش‌فرض ۹۰).',
    ar: 'عميل لم يشترِ منذ مدة: رسالة شخصية أولاً، ثم رمز خصم بعد أسبوع إن لم يعد، ثم مهمة «اتصل بالعميل» للفريق. «days»: أيام بلا طلب (افتراضياً ٩٠).',
    en: 'A customer with no order for a while: a personal note, a week later a discount code if they have not come back, then a "call this customer" task for the team. "days": days without an order (default 90).',
  },
  triggerSummary: (o, l) => ({ fa: `${o.days ?? 90} روز بدون سفارش`, ar: `${o.days ?? 90} يوماً بلا طلب`, en: `${o.days ?? 90} days without an order` })[l],
  accepts: ['days'],
  attributes: () => [giftCodeAttribute],
  templates: [
    {
      key: 'note',
      label: { fa: 'یادداشت شخصی', ar: 'رسالة شخصية', en: 'Personal note' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'دلمان برایتان تنگ شده',
          paragraphs: [
            'مدتی است از شما خبری نداریم و خواستیم خودمان حالتان را بپرسیم.',
            'در این مدت محصولات تازه‌ای به {{ workspace.name }} اضافه شده که فکر می‌کنیم به سلیقه‌تان بخورد. اگر هم چیزی در خریدهای قبلی باب میلتان نبود، برایمان بنویسید؛ نظرتان را می‌خوانیم و می‌خواهیم بهتر شویم.',
          ],
          sms: `${n.fa}مدتی است از شما خبری نداریم و جایتان در {{ workspace.name }} خالی است. محصولات تازه‌ای آمده که شاید بپسندید.`,
        },
        ar: {
          subject: 'اشتقنا إليك',
          paragraphs: [
            'مضى وقت منذ زيارتك الأخيرة، وأحببنا أن نطمئن عليك بأنفسنا.',
            'أضفنا خلال هذه الفترة منتجات جديدة إلى {{ workspace.name }} نظن أنها ستعجبك. وإن لم تكن راضياً عن شيء في طلباتك السابقة، فاكتب لنا؛ نقرأ كل رد ونريد أن نتحسن.',
          ],
          sms: `${n.ar}اشتقنا إليك في {{ workspace.name }}! وصلتنا منتجات جديدة نظن أنها ستعجبك.`,
        },
        en: {
          subject: "We've missed you",
          paragraphs: [
            "It's been a while since we last saw you, and we wanted to check in ourselves.",
            "We've added new things to {{ workspace.name }} since then that we think you'll like. And if something about your last orders wasn't right, write back and tell us — we read every reply and want to do better.",
          ],
          sms: `${n.en}it's been a while! We've missed you at {{ workspace.name }}, and there's plenty new we think you'll like.`,
        },
      },
    },
    {
      key: 'offer',
      label: { fa: 'پیشنهاد بازگشت', ar: 'عرض العودة', en: 'Come-back offer' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'یک پیشنهاد ویژه، فقط برای شما',
          paragraphs: [
            'برای اینکه دوباره پیش ما برگردید، یک کد تخفیف مخصوص شما ساخته‌ایم:',
            '<strong dir="ltr" style="font-size:20px">{{ vars.code }}</strong> — {{ vars.percent | persian_digits }}٪ تخفیف روی سفارش بعدی‌تان.',
            'این کد فقط مال شماست؛ کافی است هنگام پرداخت در سبد خرید واردش کنید.',
          ],
          sms: `${n.fa}برای بازگشتتان به {{ workspace.name }}: {{ vars.percent | persian_digits }}٪ تخفیف با کد اختصاصی {{ vars.code }}`,
        },
        ar: {
          subject: 'عرض خاص لك وحدك',
          paragraphs: [
            'لنرحّب بعودتك، أعددنا لك رمز خصم خاصاً بك:',
            '<strong dir="ltr" style="font-size:20px">{{ vars.code }}</strong> — خصم {{ vars.percent | arabic_digits }}٪ على طلبك القادم.',
            'هذا الرمز لك وحدك؛ أدخله في سلة التسوق عند الدفع.',
          ],
          sms: `${n.ar}بمناسبة عودتك إلى {{ workspace.name }}: خصم {{ vars.percent | arabic_digits }}٪ برمزك الخاص {{ vars.code }}`,
        },
        en: {
          subject: 'A special offer, just for you',
          paragraphs: [
            "To welcome you back, we've made a discount code that's yours alone:",
            '<strong style="font-size:20px">{{ vars.code }}</strong> — {{ vars.percent }}% off your next order.',
            'Enter it in your cart at checkout.',
          ],
          sms: `${n.en}welcome back to {{ workspace.name }}: {{ vars.percent }}% off with your personal code {{ vars.code }}.`,
        },
      },
    },
  ],
  build: (o, t, language) => {
    const days = o.days ?? 90;
    const week = { amount: 7, unit: 'days' as const };
    const task = {
      fa: { title: 'تماس با مشتری‌ای که مدتی خرید نکرده', description: `${days} روز بدون سفارش؛ پیام شخصی و کد تخفیف او را برنگرداند. تماس بگیرید و بپرسید چه کمکی از ما برمی‌آید. کد تخفیفش در ویژگی last_gift_code است.` },
      ar: { title: 'اتصل بعميل غاب منذ مدة', description: `${days} يوماً بلا طلب؛ لم تُعِده الرسالة الشخصية ولا رمز الخصم. اتصل به واسأله كيف نساعده. رمز خصمه في الخاصية last_gift_code.` },
      en: { title: 'Call a customer who has gone quiet', description: `No order for ${days} days; a personal note and a discount code did not bring them back. Call and ask how we can help. Their code is in the last_gift_code attribute.` },
    }[language];
    return {
      trigger: { kind: 'inactivity', days, activity: 'order' },
      start: 'note',
      steps: [
        { id: 'note', kind: 'send', templateId: t.note as string, channels: 'auto', priority: 5, variables: {}, next: { next: 'wait-1' } },
        { id: 'wait-1', kind: 'wait_for_event', event: 'Order Completed', timeout: week, next: { event: 'end', timeout: 'gift' } },
        { id: 'gift', kind: 'update_attributes', attributes: { [giftCodeAttribute.key]: RUN_CODE_PLACEHOLDER }, next: { next: 'offer' } },
        { id: 'offer', kind: 'send', templateId: t.offer as string, channels: 'auto', priority: 5, variables: { code: RUN_CODE_PLACEHOLDER, percent: 15 }, next: { next: 'wait-2' } },
        { id: 'wait-2', kind: 'wait_for_event', event: 'Order Completed', timeout: week, next: { event: 'end', timeout: 'call' } },
        { id: 'call', kind: 'task', title: task.title, description: task.description, dueInDays: 2, priority: 'high', next: { next: 'end' } },
        { id: 'end', kind: 'exit' },
      ],
      goal: { event: 'Order Completed', withinDays: 30, exitOnGoal: true },
      reentry: { mode: 'every', days: Math.max(days, 30) },
    };
  },
};

/** Birthday: on the customer's birthday in the Jalali calendar, at 09:00 their time, a greeting with a gift code. */
export const birthday: Recipe = {
  key: 'birthday',
  name: { fa: 'تبریک تولد', ar: 'تهنئة عيد الميلاد', en: 'Birthday greeting' },
  description: {
    fa: 'روز تولد مشتری به تقویم شمسی، ساعت ۹ صبح به وقت خودش، تبریک با یک کد هدیه که روی پروفایلش هم ثبت می‌شود.',
    ar: 'في يوم ميلاد العميل بالتقويم الهجري الشمسي، الساعة ٩ صباحاً بتوقيته، تهنئة مع رمز هدية يُسجَّل في ملفه أيضاً.',
    en: "On the customer's birthday in the Jalali calendar, at 09:00 their time, a greeting with a gift code, also recorded on their profile.",
  },
  triggerSummary: (_o, l) => ({ fa: 'تاریخ تولد (تقویم شمسی)، ساعت ۰۹:۰۰', ar: 'تاريخ الميلاد (التقويم الهجري الشمسي)، الساعة ٠٩:٠٠', en: 'Birthday (Jalali calendar), 09:00' })[l],
  accepts: [],
  attributes: () => [giftCodeAttribute],
  templates: [
    {
      key: 'greeting',
      label: { fa: 'تبریک تولد', ar: 'تهنئة عيد الميلاد', en: 'Birthday greeting' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'تولدتان مبارک! 🎂',
          paragraphs: [
            'امروز، {{ vars.trigger.date | jalali: "D MMMM" }}، روز تولد شماست و همهٔ ما در {{ workspace.name }} برایتان سالی پر از شادی و تندرستی آرزو می‌کنیم.',
            'به همین مناسبت هدیه‌ای برایتان کنار گذاشته‌ایم: با کد <strong dir="ltr">{{ vars.code }}</strong> روی خرید بعدی‌تان تخفیف ویژهٔ تولد بگیرید.',
            'این کد تا {{ vars.validDays | persian_digits }} روز معتبر است.',
          ],
          sms: `${n.fa}تولدتان مبارک! هدیهٔ ما: کد {{ vars.code }} برای تخفیف تولد در {{ workspace.name }}، تا {{ vars.validDays | persian_digits }} روز.`,
        },
        ar: {
          subject: 'عيد ميلاد سعيد! 🎂',
          paragraphs: [
            'اليوم، {{ vars.trigger.date | gregorian: "D MMMM", "ar" }}، يوم ميلادك، وكلّنا في {{ workspace.name }} نتمنى لك عاماً مليئاً بالفرح والصحة.',
            'وبهذه المناسبة خبّأنا لك هدية: استخدم الرمز <strong dir="ltr">{{ vars.code }}</strong> لتحصل على خصم عيد ميلادك على طلبك القادم.',
            'الرمز صالح لمدة {{ vars.validDays | arabic_digits }} يوماً.',
          ],
          sms: `${n.ar}عيد ميلاد سعيد! هديتنا لك: الرمز {{ vars.code }} لخصم عيد ميلادك من {{ workspace.name }}، صالح {{ vars.validDays | arabic_digits }} يوماً.`,
        },
        en: {
          subject: 'Happy birthday! 🎂',
          paragraphs: [
            'Today, {{ vars.trigger.date | gregorian: "D MMMM", "en" }}, is your birthday, and all of us at {{ workspace.name }} wish you a year full of joy and good health.',
            "We've set aside a little gift: use the code <strong>{{ vars.code }}</strong> for a birthday discount on your next order.",
            'The code is valid for {{ vars.validDays }} days.',
          ],
          sms: `${n.en}happy birthday! Our gift to you: code {{ vars.code }} for a birthday discount at {{ workspace.name }}, valid {{ vars.validDays }} days.`,
        },
      },
    },
  ],
  build: (_o, t) => ({
    trigger: { kind: 'date', source: 'birthday', recurrence: 'yearly', calendar: 'jalali', offsetDays: 0, time: '09:00' },
    start: 'gift',
    steps: [
      { id: 'gift', kind: 'update_attributes', attributes: { [giftCodeAttribute.key]: RUN_CODE_PLACEHOLDER }, next: { next: 'greet' } },
      { id: 'greet', kind: 'send', templateId: t.greeting as string, channels: 'auto', priority: 6, variables: { code: RUN_CODE_PLACEHOLDER, validDays: 14 }, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: { event: 'Order Completed', withinDays: 14, exitOnGoal: false },
    // Once a year: the date trigger's key names the anniversary; this keeps a re-run of a scan from doubling.
    reentry: { mode: 'every', days: 300 },
  }),
};
