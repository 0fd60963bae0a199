import { RUN_CODE_PLACEHOLDER } from '../engine/codes.ts';
import { giftCodeAttribute, priceOf, type Recipe, smsName as n } from './recipe.ts';

const orderTotal = (l: 'fa' | 'ar' | 'en') => priceOf('vars.trigger.total', 'vars.trigger.currency', l);

/** VIP upgrade thank-you: an order above a threshold → the `vip` tag and a personal thank-you. */
export const vipThankYou: Recipe = {
  key: 'vip_thank_you',
  name: { fa: 'تشکر از مشتری ویژه', ar: 'شكر العميل المميز', en: 'VIP upgrade thank-you' },
  description: {
    fa: 'سفارشی بالاتر از یک مبلغ، مشتری را ویژه (برچسب vip) می‌کند و یک پیام تشکر شخصی می‌فرستد. «orderAbove»: مبلغ سفارش به ارز نمایشی فضای کاری (پیش‌فرض ۵٬۰۰۰٬۰۰۰).',
    ar: 'طلب يتجاوز مبلغاً معيناً يجعل العميل مميزاً (وسم vip) ويرسل إليه شكراً شخصياً. «orderAbove»: مبلغ الطلب بعملة العرض في مساحة العمل (افتراضياً ٥٬٠٠٠٬٠٠٠).',
    en: "An order above a threshold makes the customer a VIP (tag vip) and sends a personal thank-you. \"orderAbove\": the order total in the workspace's display currency (default 5,000,000).",
  },
  triggerSummary: (o, l) => ({ fa: `سفارشی به مبلغ دست‌کم ${o.orderAbove ?? 5_000_000}`, ar: `طلب بقيمة ${o.orderAbove ?? 5_000_000} على الأقل`, en: `An order of at least ${o.orderAbove ?? 5_000_000}` })[l],
  accepts: ['orderAbove'],
  attributes: () => [],
  templates: [
    {
      key: 'thanks',
      label: { fa: 'تشکر از مشتری ویژه', ar: 'شكر العميل المميز', en: 'VIP thank-you' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'از اعتمادتان سپاسگزاریم',
          paragraphs: [
            `سفارش {{ vars.trigger.orderId }}{% if vars.trigger.total %} به مبلغ ${orderTotal('fa')}{% endif %} را ثبت کردید و می‌خواستیم از صمیم قلب تشکر کنیم.`,
            'از امروز جزو مشتریان ویژهٔ {{ workspace.name }} هستید: پیشنهادهای ویژه را زودتر از همه برایتان می‌فرستیم و همکاران ما در پشتیبانی سفارش‌هایتان را در اولویت قرار می‌دهند.',
            'اگر کاری از دستمان برمی‌آید، کافی است به همین ایمیل پاسخ دهید.',
          ],
          sms: `${n.fa}از خرید ارزشمندتان در {{ workspace.name }} سپاسگزاریم! از امروز جزو مشتریان ویژهٔ ما هستید.`,
        },
        ar: {
          subject: 'شكراً لثقتك بنا',
          paragraphs: [
            `أتممت الطلب {{ vars.trigger.orderId }}{% if vars.trigger.total %} بقيمة ${orderTotal('ar')}{% endif %}، وأردنا أن نشكرك من القلب.`,
            'ابتداءً من اليوم أنت من عملاء {{ workspace.name }} المميزين: سنرسل إليك العروض الخاصة قبل الجميع، ويمنح فريق الدعم طلباتك الأولوية.',
            'وإن كان بوسعنا أن نقدّم لك أي شيء، فقط ردّ على هذه الرسالة.',
          ],
          sms: `${n.ar}شكراً لطلبك من {{ workspace.name }}! ابتداءً من اليوم أنت من عملائنا المميزين.`,
        },
        en: {
          subject: "Thank you — you're now a VIP",
          paragraphs: [
            `You just placed order {{ vars.trigger.orderId }}{% if vars.trigger.total %} for ${orderTotal('en')}{% endif %}, and we wanted to say a heartfelt thank you.`,
            "From today you're one of {{ workspace.name }}'s VIP customers: you'll hear about special offers before anyone else, and our support team puts your orders first.",
            "If there's anything we can do for you, just reply to this email.",
          ],
          sms: `${n.en}thank you for your order at {{ workspace.name }}! From today, you're one of our VIP customers.`,
        },
      },
    },
  ],
  build: (o, t) => ({
    trigger: { kind: 'vip', orderAbove: o.orderAbove ?? 5_000_000 },
    start: 'tag',
    steps: [
      { id: 'tag', kind: 'tag', add: ['vip'], remove: [], next: { next: 'thanks' } },
      { id: 'thanks', kind: 'send', templateId: t.thanks as string, channels: 'auto', priority: 6, variables: {}, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: null,
    // Thanked at most once a quarter, however many large orders they place.
    reentry: { mode: 'every', days: 90 },
  }),
};

const expiry = { fa: '{{ vars.trigger.storedDate | jalali }}', ar: '{{ vars.trigger.storedDate | gregorian: "D MMMM YYYY", "ar" }}', en: '{{ vars.trigger.storedDate | gregorian: "D MMMM YYYY", "en" }}' };

/** Subscription renewal reminder: days before a date attribute (the expiry), then the day before; a renewal order ends it. */
export const subscriptionRenewal: Recipe = {
  key: 'subscription_renewal',
  name: { fa: 'یادآوری تمدید اشتراک', ar: 'تذكير بتجديد الاشتراك', en: 'Subscription renewal reminder' },
  description: {
    fa: 'چند روز پیش از تاریخ پایان اشتراک (ویژگی subscription_expires_at) یادآوری، و روز قبلِ پایان آخرین یادآوری؛ سفارش تمدید مسیر را تمام می‌کند. «days»: چند روز پیش‌تر (پیش‌فرض ۷)؛ «attribute»: ویژگی تاریخ پایان.',
    ar: 'تذكير قبل أيام من انتهاء الاشتراك (الخاصية subscription_expires_at)، ثم تذكير أخير قبل الانتهاء بيوم؛ طلب التجديد يُنهي المسار. «days»: كم يوماً قبل (افتراضياً ٧)؛ «attribute»: خاصية تاريخ الانتهاء.',
    en: 'A reminder some days before the subscription ends (attribute subscription_expires_at) and a last one the day before; a renewal order ends the journey. "days": how many days before (default 7); "attribute": the expiry date attribute.',
  },
  triggerSummary: (o, l) =>
    ({
      fa: `${o.days ?? 7} روز پیش از ${o.attribute ?? 'subscription_expires_at'}، ساعت ۱۰:۰۰`,
      ar: `قبل ${o.days ?? 7} أيام من ${o.attribute ?? 'subscription_expires_at'}، الساعة ١٠:٠٠`,
      en: `${o.days ?? 7} days before ${o.attribute ?? 'subscription_expires_at'}, 10:00`,
    })[l],
  accepts: ['days', 'attribute'],
  attributes: (o) => [{ key: o.attribute ?? 'subscription_expires_at', type: 'date', label: 'Subscription expires at' }],
  templates: [
    {
      key: 'reminder',
      label: { fa: 'یادآوری تمدید', ar: 'تذكير بالتجديد', en: 'Renewal reminder' },
      category: 'transactional',
      copy: {
        fa: {
          subject: 'اشتراک شما به‌زودی تمام می‌شود',
          paragraphs: [
            `اشتراک شما در {{ workspace.name }} در تاریخ ${expiry.fa} به پایان می‌رسد.`,
            'برای اینکه خدمات بی‌وقفه ادامه پیدا کند، همین حالا تمدیدش کنید. اگر دربارهٔ تمدید یا تغییر طرح سؤالی دارید، به همین ایمیل پاسخ دهید.',
          ],
          sms: `${n.fa}اشتراک شما در {{ workspace.name }} در ${expiry.fa} تمام می‌شود. برای ادامهٔ بی‌وقفه، تمدیدش کنید.`,
        },
        ar: {
          subject: 'اشتراكك ينتهي قريباً',
          paragraphs: [`ينتهي اشتراكك في {{ workspace.name }} بتاريخ ${expiry.ar}.`, 'جدّده الآن لتستمر الخدمة دون انقطاع. وإن كان لديك سؤال عن التجديد أو تغيير الباقة، فردّ على هذه الرسالة.'],
          sms: `${n.ar}ينتهي اشتراكك في {{ workspace.name }} بتاريخ ${expiry.ar}. جدّده لتستمر الخدمة دون انقطاع.`,
        },
        en: {
          subject: 'Your subscription ends soon',
          paragraphs: [`Your {{ workspace.name }} subscription ends on ${expiry.en}.`, 'Renew now to keep everything running without a break. Questions about renewing or changing your plan? Just reply to this email.'],
          sms: `${n.en}your {{ workspace.name }} subscription ends on ${expiry.en}. Renew to keep it running without a break.`,
        },
      },
    },
    {
      key: 'tomorrow',
      label: { fa: 'پایان اشتراک، فردا', ar: 'ينتهي الاشتراك غداً', en: 'Subscription ends tomorrow' },
      category: 'transactional',
      copy: {
        fa: {
          subject: 'اشتراک شما فردا تمام می‌شود',
          paragraphs: [
            `فقط یک روز تا پایان اشتراک شما در {{ workspace.name }} مانده است (${expiry.fa}).`,
            'اگر تمدید نکنید، از فردا دسترسی‌تان قطع می‌شود. تمدید فقط یک دقیقه وقت می‌گیرد؛ اگر کمکی لازم دارید، پاسخ دهید.',
          ],
          sms: `${n.fa}اشتراک شما در {{ workspace.name }} فردا تمام می‌شود. برای قطع نشدن خدمات، امروز تمدیدش کنید.`,
        },
        ar: {
          subject: 'ينتهي اشتراكك غداً',
          paragraphs: [`بقي يوم واحد على انتهاء اشتراكك في {{ workspace.name }} (${expiry.ar}).`, 'إن لم تجدّده، يتوقف وصولك ابتداءً من الغد. التجديد لا يستغرق سوى دقيقة، وإن احتجت إلى مساعدة فردّ علينا.'],
          sms: `${n.ar}ينتهي اشتراكك في {{ workspace.name }} غداً. جدّده اليوم حتى لا تتوقف الخدمة.`,
        },
        en: {
          subject: 'Your subscription ends tomorrow',
          paragraphs: [`Just one day is left on your {{ workspace.name }} subscription (${expiry.en}).`, "If you don't renew, your access stops tomorrow. Renewing takes a minute, and if you need a hand, just reply."],
          sms: `${n.en}your {{ workspace.name }} subscription ends tomorrow. Renew today so nothing stops.`,
        },
      },
    },
  ],
  build: (o, t) => {
    const attribute = o.attribute ?? 'subscription_expires_at';
    return {
      trigger: { kind: 'date', source: 'attribute', attribute, recurrence: 'once', calendar: 'gregorian', offsetDays: -(o.days ?? 7), time: '10:00' },
      start: 'remind',
      steps: [
        { id: 'remind', kind: 'send', templateId: t.reminder as string, channels: 'auto', priority: 6, variables: {}, next: { next: 'day-before' } },
        // Past already (days = 1) or the date removed: no second reminder.
        { id: 'day-before', kind: 'wait_until_date', attribute, offsetDays: -1, time: '10:00', next: { next: 'tomorrow', missed: 'end' } },
        { id: 'tomorrow', kind: 'send', templateId: t.tomorrow as string, channels: 'auto', priority: 6, variables: {}, next: { next: 'end' } },
        { id: 'end', kind: 'exit' },
      ],
      goal: { event: 'Order Completed', withinDays: Math.max(o.days ?? 7, 1) + 7, exitOnGoal: true },
      reentry: { mode: 'every', days: 20 },
    };
  },
};

/** Incident apology: started by API for the affected customers (a segment or a list); apologise and compensate. */
export const incidentApology: Recipe = {
  key: 'incident_apology',
  name: { fa: 'عذرخواهی بابت یک مشکل', ar: 'اعتذار عن خلل', en: 'Incident apology' },
  description: {
    fa: 'برای مشتریانی که از یک مشکل آسیب دیده‌اند (یک بخش یا فهرستی از مشتریان، با POST /api/v1/journeys/{id}/runs/bulk): کد جبران روی پروفایل، برچسب incident-compensated و پیام عذرخواهی با کد.',
    ar: 'للعملاء المتضررين من خلل (شريحة أو قائمة عملاء، عبر POST /api/v1/journeys/{id}/runs/bulk): رمز تعويض في الملف، ووسم incident-compensated، ورسالة اعتذار مع الرمز.',
    en: 'For the customers an incident affected (a segment or a list, through POST /api/v1/journeys/{id}/runs/bulk): a compensation code on the profile, the tag incident-compensated, and an apology carrying the code.',
  },
  triggerSummary: (_o, l) => ({ fa: 'با API، برای مشتریان انتخاب‌شده', ar: 'عبر API للعملاء المختارين', en: 'By API, for the chosen customers' })[l],
  accepts: [],
  attributes: () => [giftCodeAttribute],
  templates: [
    {
      key: 'apology',
      label: { fa: 'عذرخواهی و جبران', ar: 'اعتذار وتعويض', en: 'Apology and compensation' },
      category: 'transactional',
      copy: {
        fa: {
          subject: 'از شما عذرخواهی می‌کنیم',
          paragraphs: [
            '{% if vars.trigger.incident.fa %}{{ vars.trigger.incident.fa }}{% else %}اخیراً در خدمات ما مشکلی پیش آمد که ممکن است برای شما هم دردسر درست کرده باشد.{% endif %}',
            'بابت این اتفاق صمیمانه متأسفیم. می‌دانیم که به ما اعتماد کرده‌اید و نمی‌خواهیم این اعتماد خدشه‌دار شود. مشکل برطرف شده و همکاران ما مراقب‌اند که تکرار نشود.',
            'برای جبران، کد <strong dir="ltr">{{ vars.code }}</strong> را برایتان فعال کرده‌ایم: {{ vars.percent | persian_digits }}٪ تخفیف روی سفارش بعدی‌تان.',
            'اگر این اتفاق برایتان هزینه یا دردسری داشته، به همین ایمیل پاسخ دهید تا شخصاً پیگیری کنیم.',
          ],
          sms: `${n.fa}بابت مشکل اخیر در {{ workspace.name }} صمیمانه عذر می‌خواهیم. برای جبران: {{ vars.percent | persian_digits }}٪ تخفیف با کد {{ vars.code }}`,
        },
        ar: {
          subject: 'نعتذر إليك',
          paragraphs: [
            '{% if vars.trigger.incident.ar %}{{ vars.trigger.incident.ar }}{% else %}واجهت خدماتنا مؤخراً خللاً ربما سبّب لك إزعاجاً.{% endif %}',
            'نأسف بصدق لما حدث. نعرف أنك وضعت ثقتك فينا، ولا نريد أن نخذلها. لقد عالجنا الخلل، ويتابع فريقنا الأمر حتى لا يتكرر.',
            'وتعويضاً لك، فعّلنا الرمز <strong dir="ltr">{{ vars.code }}</strong>: خصم {{ vars.percent | arabic_digits }}٪ على طلبك القادم.',
            'وإن كلّفك ما حدث وقتاً أو مالاً، ردّ على هذه الرسالة وسنتابع الأمر معك شخصياً.',
          ],
          sms: `${n.ar}نعتذر بصدق عن الخلل الأخير في {{ workspace.name }}. تعويضاً لك: خصم {{ vars.percent | arabic_digits }}٪ بالرمز {{ vars.code }}`,
        },
        en: {
          subject: "We're sorry",
          paragraphs: [
            '{% if vars.trigger.incident.en %}{{ vars.trigger.incident.en }}{% else %}Something went wrong with our service recently, and it may have caused you trouble.{% endif %}',
            "We're truly sorry. You trusted us, and we let you down. The problem is fixed, and our team is making sure it doesn't happen again.",
            "To make up for it, we've activated the code <strong>{{ vars.code }}</strong> for you: {{ vars.percent }}% off your next order.",
            "If this cost you time or money, reply to this email and we'll look into it personally.",
          ],
          sms: `${n.en}we're truly sorry about the recent problem at {{ workspace.name }}. To make up for it: {{ vars.percent }}% off with code {{ vars.code }}.`,
        },
      },
    },
  ],
  build: (_o, t) => ({
    trigger: { kind: 'api' },
    start: 'compensate',
    steps: [
      { id: 'compensate', kind: 'update_attributes', attributes: { [giftCodeAttribute.key]: RUN_CODE_PLACEHOLDER }, next: { next: 'tag' } },
      { id: 'tag', kind: 'tag', add: ['incident-compensated'], remove: [], next: { next: 'apologise' } },
      { id: 'apologise', kind: 'send', templateId: t.apology as string, channels: 'auto', priority: 8, variables: { code: RUN_CODE_PLACEHOLDER, percent: 20 }, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: null,
    // Another incident another day is another apology (each bulk call's key starts a customer once).
    reentry: { mode: 'every', days: 1 },
  }),
};
