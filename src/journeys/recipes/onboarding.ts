import { RUN_CODE_PLACEHOLDER } from '../engine/codes.ts';
import { giftCodeAttribute, type Recipe, smsName as n } from './recipe.ts';

/** Onboarding series: welcome, a how-to a few days later, then a first-purchase nudge with a code for who has not bought. */
export const onboarding: Recipe = {
  key: 'onboarding',
  name: { fa: 'مجموعهٔ خوش‌آمدگویی', ar: 'سلسلة الترحيب', en: 'Onboarding series' },
  description: {
    fa: 'خوش‌آمدگویی هنگام ثبت‌نام، چند روز بعد راهنمای خرید، و اگر هنوز خریدی نکرده، یک کد تخفیف برای اولین سفارش. «days»: فاصلهٔ پیام‌ها (پیش‌فرض ۲ روز).',
    ar: 'ترحيب عند التسجيل، ثم نصائح للتسوّق بعد أيام، ثم رمز خصم للطلب الأول لمن لم يشترِ بعد. «days»: المدة بين الرسائل (افتراضياً يومان).',
    en: 'A welcome at sign-up, shopping tips a few days later, then a first-order code for who has not bought yet. "days": the gap between messages (default 2).',
  },
  triggerSummary: (_o, l) => ({ fa: 'رویداد Signed Up (ثبت‌نام)', ar: 'حدث Signed Up (التسجيل)', en: 'Event Signed Up' })[l],
  accepts: ['days'],
  attributes: () => [giftCodeAttribute],
  templates: [
    {
      key: 'welcome',
      label: { fa: 'خوش‌آمد', ar: 'ترحيب', en: 'Welcome' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'به {{ workspace.name }} خوش آمدید',
          paragraphs: [
            'خوشحالیم که به جمع ما پیوستید. از امروز هر بار که سر بزنید، تازه‌ترین محصولات و پیشنهادهای ویژه منتظرتان است.',
            'اگر سؤالی داشتید، کافی است به همین ایمیل پاسخ دهید؛ همکاران ما در پشتیبانی با کمال میل راهنمایی‌تان می‌کنند.',
          ],
          sms: `${n.fa}به {{ workspace.name }} خوش آمدید! خوشحالیم که به ما پیوستید؛ هر سؤالی داشتید در خدمتیم.`,
        },
        ar: {
          subject: 'أهلاً بك في {{ workspace.name }}',
          paragraphs: [
            'يسعدنا انضمامك إلينا. ستجد عندنا في كل زيارة أحدث المنتجات وعروضاً مختارة لك.',
            'إن كان لديك أي سؤال، ما عليك إلا الرد على هذه الرسالة، وسيساعدك فريق الدعم بكل سرور.',
          ],
          sms: `${n.ar}أهلاً بك في {{ workspace.name }}! يسعدنا انضمامك إلينا، ونحن هنا لأي سؤال.`,
        },
        en: {
          subject: 'Welcome to {{ workspace.name }}',
          paragraphs: [
            "We're glad you're here. Every time you visit, you'll find our newest products and offers picked for you.",
            'Questions? Just reply to this email and our support team will be happy to help.',
          ],
          sms: `${n.en}welcome to {{ workspace.name }}! We're glad you joined us. Any questions, just reply.`,
        },
      },
    },
    {
      key: 'tips',
      label: { fa: 'راهنمای خرید', ar: 'نصائح التسوّق', en: 'Shopping tips' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'چند ترفند برای خرید راحت‌تر',
          paragraphs: [
            'چند نکته که خرید از {{ workspace.name }} را برایتان ساده‌تر می‌کند:',
            '• با جست‌وجو و فیلترها، محصول مورد نظرتان را در چند ثانیه پیدا کنید.<br>• محصولاتی را که دوست دارید به فهرست علاقه‌مندی‌ها اضافه کنید تا از موجود شدن یا تخفیفشان باخبر شوید.<br>• وضعیت سفارش‌هایتان را همیشه از بخش «سفارش‌های من» ببینید.',
            'هر جا به راهنمایی نیاز داشتید، پشتیبانی ما فقط یک پیام با شما فاصله دارد.',
          ],
          sms: `${n.fa}یک ترفند: محصولات دلخواهتان را به علاقه‌مندی‌ها بیفزایید تا از تخفیف و موجود شدنشان زودتر باخبر شوید.`,
        },
        ar: {
          subject: 'نصائح لتسوّق أسهل',
          paragraphs: [
            'إليك بعض النصائح لتجربة أسهل مع {{ workspace.name }}:',
            '• استخدم البحث والفلاتر لتصل إلى ما تريد في ثوانٍ.<br>• أضف المنتجات التي تعجبك إلى قائمة الأمنيات لنخبرك حين تتوفر أو ينخفض سعرها.<br>• تابع حالة طلباتك في أي وقت من صفحة «طلباتي».',
            'وإن احتجت إلى أي مساعدة، ففريق الدعم على بُعد رسالة منك.',
          ],
          sms: `${n.ar}نصيحة: أضف ما يعجبك إلى قائمة الأمنيات لنخبرك أولاً حين يتوفر أو ينخفض سعره.`,
        },
        en: {
          subject: 'A few tips for easier shopping',
          paragraphs: [
            'A few tips to make shopping at {{ workspace.name }} easier:',
            "• Search and filters take you to what you want in seconds.<br>• Add products you like to your wishlist and we'll tell you when they're back in stock or on sale.<br>• Follow your orders any time from the “My orders” page.",
            'And whenever you need a hand, our support team is one message away.',
          ],
          sms: `${n.en}a tip: add products you like to your wishlist and we'll tell you first when they're back or on sale.`,
        },
      },
    },
    {
      key: 'nudge',
      label: { fa: 'هدیهٔ اولین خرید', ar: 'هدية الطلب الأول', en: 'First-order gift' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'هدیهٔ اولین خرید شما',
          paragraphs: [
            'هنوز اولین خریدتان را انجام نداده‌اید، و ما یک هدیهٔ کوچک برای شروع کنار گذاشته‌ایم.',
            'با کد <strong dir="ltr">{{ vars.code }}</strong> روی اولین سفارشتان {{ vars.percent | persian_digits }}٪ تخفیف بگیرید.',
            'اگر در انتخاب مردد هستید، به همین ایمیل پاسخ دهید تا کمکتان کنیم.',
          ],
          sms: `${n.fa}هدیهٔ اولین خریدتان: {{ vars.percent | persian_digits }}٪ تخفیف با کد {{ vars.code }} در {{ workspace.name }}`,
        },
        ar: {
          subject: 'هدية لطلبك الأول',
          paragraphs: [
            'لم تُتمّ طلبك الأول بعد، وقد خصّصنا لك هدية صغيرة لتبدأ بها.',
            'استخدم الرمز <strong dir="ltr">{{ vars.code }}</strong> لتحصل على خصم {{ vars.percent | arabic_digits }}٪ على طلبك الأول.',
            'وإن احترت في الاختيار، ردّ على هذه الرسالة وسنساعدك.',
          ],
          sms: `${n.ar}هدية طلبك الأول: خصم {{ vars.percent | arabic_digits }}٪ بالرمز {{ vars.code }} من {{ workspace.name }}`,
        },
        en: {
          subject: 'A welcome gift for your first order',
          paragraphs: [
            "You haven't placed your first order yet, so we've set aside a small gift to get you started.",
            'Use the code <strong>{{ vars.code }}</strong> for {{ vars.percent }}% off your first order.',
            "Not sure what to choose? Reply to this email and we'll help.",
          ],
          sms: `${n.en}a gift for your first order: {{ vars.percent }}% off with code {{ vars.code }} at {{ workspace.name }}.`,
        },
      },
    },
  ],
  build: (o, t) => {
    const gap = { amount: o.days ?? 2, unit: 'days' as const };
    return {
      trigger: { kind: 'event', event: 'Signed Up' },
      start: 'welcome',
      steps: [
        { id: 'welcome', kind: 'send', templateId: t.welcome as string, channels: 'auto', priority: 5, variables: {}, next: { next: 'pause-1' } },
        { id: 'pause-1', kind: 'wait', duration: gap, next: { next: 'tips' } },
        { id: 'tips', kind: 'send', templateId: t.tips as string, channels: 'auto', priority: 5, variables: {}, next: { next: 'first-order' } },
        { id: 'first-order', kind: 'wait_for_event', event: 'Order Completed', timeout: gap, next: { event: 'end', timeout: 'gift' } },
        { id: 'gift', kind: 'update_attributes', attributes: { [giftCodeAttribute.key]: RUN_CODE_PLACEHOLDER }, next: { next: 'nudge' } },
        { id: 'nudge', kind: 'send', templateId: t.nudge as string, channels: 'auto', priority: 5, variables: { code: RUN_CODE_PLACEHOLDER, percent: 10 }, next: { next: 'end' } },
        { id: 'end', kind: 'exit' },
      ],
      goal: { event: 'Order Completed', withinDays: 14, exitOnGoal: true },
      reentry: { mode: 'once' },
    };
  },
};

/** Post-purchase follow-up: some days after an order, "are you satisfied?" with an offer of help. */
export const postPurchase: Recipe = {
  key: 'post_purchase',
  name: { fa: 'پیگیری پس از خرید', ar: 'متابعة ما بعد الشراء', en: 'Post-purchase follow-up' },
  description: {
    fa: 'چند روز پس از هر سفارش می‌پرسد «از خریدتان راضی هستید؟» و برای هر مشکلی کمک پیشنهاد می‌کند. «days»: چند روز پس از سفارش (پیش‌فرض ۷).',
    ar: 'بعد أيام من كل طلب يسأل «هل أنت راضٍ عن طلبك؟» ويعرض المساعدة في أي مشكلة. «days»: عدد الأيام بعد الطلب (افتراضياً ٧).',
    en: 'Some days after each order, asks "are you happy with your order?" and offers help with any problem. "days": days after the order (default 7).',
  },
  triggerSummary: (o, l) =>
    ({
      fa: `رویداد Order Completed، سپس ${o.days ?? 7} روز صبر`,
      ar: `حدث Order Completed، ثم انتظار ${o.days ?? 7} أيام`,
      en: `Event Order Completed, then ${o.days ?? 7} days`,
    })[l],
  accepts: ['days'],
  attributes: () => [],
  templates: [
    {
      key: 'satisfied',
      label: { fa: 'رضایت از خرید', ar: 'الرضا عن الطلب', en: 'Are you happy?' },
      category: 'transactional',
      copy: {
        fa: {
          subject: 'از خریدتان راضی هستید؟',
          paragraphs: [
            'چند روز از سفارش شما گذشته و دوست داریم بدانیم همه‌چیز خوب پیش رفته است: سفارش سالم و به‌موقع رسید؟ همان چیزی بود که انتظارش را داشتید؟',
            'اگر مشکلی هست — از تعویض و مرجوعی گرفته تا یک سؤال ساده دربارهٔ استفاده — کافی است به همین ایمیل پاسخ دهید. خودمان پیگیری می‌کنیم تا حل شود.',
            'و اگر راضی بوده‌اید، خوشحال می‌شویم نظرتان را با ما در میان بگذارید.',
          ],
          sms: `${n.fa}از سفارشتان در {{ workspace.name }} راضی هستید؟ اگر مشکلی هست، به همین پیامک پاسخ دهید؛ تا حل شدنش پیگیری می‌کنیم.`,
        },
        ar: {
          subject: 'هل أنت راضٍ عن طلبك؟',
          paragraphs: [
            'مرّت أيام على طلبك، ونودّ أن نطمئن أن كل شيء سار على ما يرام: هل وصلك الطلب سليماً وفي موعده؟ وهل جاء كما توقعت؟',
            'إن واجهتك أي مشكلة — استبدال أو إرجاع أو حتى سؤال بسيط عن الاستخدام — فقط ردّ على هذه الرسالة، وسنتابع الأمر معك حتى يُحل.',
            'وإن كنت راضياً، يسعدنا أن تشاركنا رأيك.',
          ],
          sms: `${n.ar}هل أنت راضٍ عن طلبك من {{ workspace.name }}؟ إن واجهتك أي مشكلة، ردّ على هذه الرسالة وسنتابعها معك حتى تُحل.`,
        },
        en: {
          subject: 'Are you happy with your order?',
          paragraphs: [
            "It's been a few days since your order, and we'd like to make sure everything went well: did it arrive on time and in good shape? Is it what you expected?",
            "If anything's wrong — an exchange, a return, or just a question about using it — reply to this email and we'll follow it up until it's sorted.",
            "And if you're happy with it, we'd love to hear what you think.",
          ],
          sms: `${n.en}are you happy with your {{ workspace.name }} order? If anything's wrong, reply to this message and we'll sort it out.`,
        },
      },
    },
  ],
  build: (o, t) => ({
    trigger: { kind: 'event', event: 'Order Completed' },
    start: 'settle',
    steps: [
      { id: 'settle', kind: 'wait', duration: { amount: o.days ?? 7, unit: 'days' }, next: { next: 'ask' } },
      { id: 'ask', kind: 'send', templateId: t.satisfied as string, channels: 'auto', priority: 5, variables: {}, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    // The order that let them in is not a goal to reach; a frequent buyer is asked at most monthly.
    goal: null,
    reentry: { mode: 'every', days: 30 },
  }),
};
