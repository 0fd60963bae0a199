import { RUN_CODE_PLACEHOLDER } from '../engine/codes.ts';
import { giftCodeAttribute, type Language, type Localized, priceOf, type Recipe, smsName as n } from './recipe.ts';

/** The trigger's product (browse abandonment, back in stock): its name, else its id. */
const product = '{{ vars.trigger.product.name | default: vars.trigger.product.id }}';
const productPrice = (l: Language) => priceOf('vars.trigger.product.price', 'vars.trigger.product.currency', l);
const productLink: Localized = {
  fa: '{% if vars.trigger.product.url %}<a href="{{ vars.trigger.product.url }}">دیدن محصول</a>{% endif %}',
  ar: '{% if vars.trigger.product.url %}<a href="{{ vars.trigger.product.url }}">عرض المنتج</a>{% endif %}',
  en: '{% if vars.trigger.product.url %}<a href="{{ vars.trigger.product.url }}">See the product</a>{% endif %}',
};
const times: Localized = { fa: ' | persian_digits', ar: ' | arabic_digits', en: '' };
/** The cart's lines (up to five) and its value, from the cart-abandonment context. */
const cartTotal: Localized = { fa: 'جمع سبد', ar: 'إجمالي السلة', en: 'Cart total' };
const cartLines = (l: Language) =>
  `{% for p in vars.trigger.cart.products limit: 5 %}• {{ p.name | default: p.productId }}{% if p.quantity > 1 %} × {{ p.quantity${times[l]} }}{% endif %}<br>{% endfor %}{% if vars.trigger.cart.value %}${cartTotal[l]}: ${priceOf('vars.trigger.cart.value', 'vars.trigger.cart.currency', l)}{% endif %}`;
/** The first product of the cart, for an SMS. */
const firstItem = '{% assign item = vars.trigger.cart.products | first %}{{ item.name | default: item.productId }}';

/** Cart abandonment: a cart left for some hours → a reminder with its products → a last call a day later. */
export const cartAbandonment: Recipe = {
  key: 'cart_abandonment',
  name: { fa: 'سبد خرید رهاشده', ar: 'سلة التسوق المتروكة', en: 'Cart abandonment' },
  description: {
    fa: 'سبدی که چند ساعت بدون سفارش مانده: یادآوری با فهرست کالاها، و اگر تا فردا سفارشی نیامد، آخرین یادآوری. «hours»: ساعت‌های انتظار (پیش‌فرض ۴).',
    ar: 'سلة بقيت ساعات بلا طلب: تذكير بمحتوياتها، ثم تذكير أخير في اليوم التالي إن لم يصل طلب. «hours»: ساعات الانتظار (افتراضياً ٤).',
    en: 'A cart left for some hours without an order: a reminder listing its products, then a last call the next day if no order came. "hours": hours to wait (default 4).',
  },
  triggerSummary: (o, l) => ({ fa: `سبد خرید بدون سفارش پس از ${o.hours ?? 4} ساعت`, ar: `سلة بلا طلب بعد ${o.hours ?? 4} ساعات`, en: `Cart without an order after ${o.hours ?? 4} hours` })[l],
  accepts: ['hours'],
  attributes: () => [],
  templates: [
    {
      key: 'reminder',
      label: { fa: 'یادآوری سبد خرید', ar: 'تذكير بالسلة', en: 'Cart reminder' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'سبد خریدتان منتظر شماست',
          paragraphs: [
            'چند کالا در سبد خریدتان جا مانده است:',
            cartLines('fa'),
            'موجودی برخی کالاها محدود است؛ اگر هنوز آن‌ها را می‌خواهید، سفارشتان را همین حالا کامل کنید.',
            'اگر موقع پرداخت به مشکلی خوردید، به همین ایمیل پاسخ دهید تا کمکتان کنیم.',
          ],
          sms: `${n.fa}«${firstItem}» در سبد خریدتان در {{ workspace.name }} منتظر شماست. تا موجود است، سفارشتان را کامل کنید.`,
        },
        ar: {
          subject: 'سلتك بانتظارك',
          paragraphs: [
            'بقيت بعض المنتجات في سلة تسوّقك:',
            cartLines('ar'),
            'الكميات محدودة في بعضها؛ إن كنت ما زلت تريدها، أكمل طلبك الآن.',
            'وإن واجهتك مشكلة عند الدفع، ردّ على هذه الرسالة وسنساعدك.',
          ],
          sms: `${n.ar}«${firstItem}» بانتظارك في سلتك في {{ workspace.name }}. أكمل طلبك قبل نفاد الكمية.`,
        },
        en: {
          subject: 'Your cart is waiting',
          paragraphs: [
            'You left a few things in your cart:',
            cartLines('en'),
            'Some of them are in short supply, so if you still want them, now is a good time to finish your order.',
            "If something went wrong at checkout, reply to this email and we'll help.",
          ],
          sms: `${n.en}"${firstItem}" is still waiting in your {{ workspace.name }} cart. Finish your order while it's in stock.`,
        },
      },
    },
    {
      key: 'last_call',
      label: { fa: 'آخرین یادآوری سبد', ar: 'تذكير أخير بالسلة', en: 'Cart last call' },
      category: 'marketing',
      copy: {
        fa: {
          subject: 'آخرین یادآوری: سبد خریدتان',
          paragraphs: [
            'سبد خریدتان هنوز سر جایش است، اما نمی‌توانیم کالاها را برای همیشه برایتان نگه داریم:',
            cartLines('fa'),
            'اگر چیزی مانع خریدتان شده — هزینهٔ ارسال، روش پرداخت یا یک سؤال — برایمان بنویسید؛ با کمال میل کمک می‌کنیم.',
          ],
          sms: `${n.fa}سبد خریدتان در {{ workspace.name }} هنوز منتظر است، ولی موجودی محدود است. سؤالی دارید؟ پاسخ دهید.`,
        },
        ar: {
          subject: 'تذكير أخير بسلة تسوّقك',
          paragraphs: [
            'ما زالت سلتك محفوظة، لكننا لا نستطيع الاحتفاظ بالمنتجات إلى الأبد:',
            cartLines('ar'),
            'إن كان هناك ما يمنعك من الشراء — تكلفة الشحن أو طريقة الدفع أو سؤال ما — فاكتب لنا، ويسعدنا أن نساعدك.',
          ],
          sms: `${n.ar}سلتك في {{ workspace.name }} ما زالت بانتظارك، لكن الكمية محدودة. لديك سؤال؟ ردّ علينا.`,
        },
        en: {
          subject: 'Last call for your cart',
          paragraphs: [
            "Your cart is still saved, but we can't hold these for ever:",
            cartLines('en'),
            "If something is stopping you — shipping costs, payment options or just a question — write to us and we'll gladly help.",
          ],
          sms: `${n.en}your {{ workspace.name }} cart is still waiting, but stock is limited. Questions? Just reply.`,
        },
      },
    },
  ],
  build: (o, t) => ({
    trigger: { kind: 'cart_abandonment', events: ['Product Added', 'Checkout Started'], orderEvent: 'Order Completed', hours: o.hours ?? 4 },
    start: 'remind',
    steps: [
      { id: 'remind', kind: 'send', templateId: t.reminder as string, channels: 'auto', priority: 6, variables: {}, next: { next: 'wait-order' } },
      { id: 'wait-order', kind: 'wait_for_event', event: 'Order Completed', timeout: { amount: 1, unit: 'days' }, next: { event: 'end', timeout: 'last-call' } },
      { id: 'last-call', kind: 'send', templateId: t.last_call as string, channels: 'auto', priority: 5, variables: {}, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
    reentry: { mode: 'every', days: 3 },
  }),
};

/** Browse abandonment: a product viewed again and again without buying → a discount for that product only. */
export const browseAbandonment: Recipe = {
  key: 'browse_abandonment',
  name: { fa: 'بازدید بدون خرید', ar: 'تصفّح بلا شراء', en: 'Browse abandonment' },
  description: {
    fa: 'مشتری‌ای که یک محصول را چند بار دیده و نخریده: یک کد تخفیف فقط برای همان محصول. «days»: بازهٔ بازدیدها (پیش‌فرض ۷ روز)؛ «percent»: درصد تخفیف (پیش‌فرض ۱۰).',
    ar: 'عميل شاهد منتجاً عدة مرات ولم يشترِه: رمز خصم لهذا المنتج وحده. «days»: مدة المشاهدات (افتراضياً ٧ أيام)؛ «percent»: نسبة الخصم (افتراضياً ١٠).',
    en: 'A customer who viewed a product again and again without buying: a discount code for that product only. "days": the window of views (default 7); "percent": the discount (default 10).',
  },
  triggerSummary: (o, l) =>
    ({ fa: `دست‌کم ۲ بازدید از یک محصول در ${o.days ?? 7} روز، بدون خرید`, ar: `مشاهدتان على الأقل لمنتج واحد خلال ${o.days ?? 7} أيام دون شراء`, en: `At least 2 views of one product within ${o.days ?? 7} days, no purchase` })[l],
  accepts: ['days', 'percent'],
  attributes: () => [giftCodeAttribute],
  templates: [
    {
      key: 'offer',
      label: { fa: 'تخفیف محصول دیده‌شده', ar: 'خصم المنتج الذي شاهدته', en: 'Viewed-product offer' },
      category: 'marketing',
      copy: {
        fa: {
          subject: `تخفیف ویژهٔ «${product}» برای شما`,
          paragraphs: [
            `دیدیم چند بار به «${product}» سر زده‌اید. برای اینکه تصمیم‌گیری راحت‌تر شود، یک تخفیف مخصوص همین محصول برایتان گذاشته‌ایم:`,
            `<strong>{{ vars.percent | persian_digits }}٪ تخفیف</strong> روی «${product}»{% if vars.trigger.product.price %} (قیمت فعلی: ${productPrice('fa')}){% endif %} با کد <strong dir="ltr">{{ vars.code }}</strong>`,
            'این کد فقط برای همین محصول و فقط برای شما معتبر است.',
            productLink.fa,
          ],
          sms: `${n.fa}{{ vars.percent | persian_digits }}٪ تخفیف فقط برای «${product}» با کد {{ vars.code }} در {{ workspace.name }}`,
        },
        ar: {
          subject: `خصم خاص على «${product}»`,
          paragraphs: [
            `لاحظنا أنك شاهدت «${product}» أكثر من مرة. ولنسهّل عليك القرار، خصّصنا لك خصماً على هذا المنتج تحديداً:`,
            `<strong>خصم {{ vars.percent | arabic_digits }}٪</strong> على «${product}»{% if vars.trigger.product.price %} (السعر الحالي: ${productPrice('ar')}){% endif %} بالرمز <strong dir="ltr">{{ vars.code }}</strong>`,
            'الرمز صالح لهذا المنتج وحده، ولك وحدك.',
            productLink.ar,
          ],
          sms: `${n.ar}خصم {{ vars.percent | arabic_digits }}٪ على «${product}» وحده بالرمز {{ vars.code }} من {{ workspace.name }}`,
        },
        en: {
          subject: `A discount on ${product}, just for you`,
          paragraphs: [
            `We noticed you've looked at ${product} a few times. To make the choice easier, here's a discount on that product only:`,
            `<strong>{{ vars.percent }}% off</strong> ${product}{% if vars.trigger.product.price %} (now ${productPrice('en')}){% endif %} with the code <strong>{{ vars.code }}</strong>`,
            'The code works for this product only, and only for you.',
            productLink.en,
          ],
          sms: `${n.en}{{ vars.percent }}% off ${product} only, with code {{ vars.code }} at {{ workspace.name }}.`,
        },
      },
    },
  ],
  build: (o, t) => ({
    trigger: { kind: 'browse_abandonment', event: 'Product Viewed', views: 2, days: o.days ?? 7, quietHours: 2 },
    start: 'gift',
    steps: [
      { id: 'gift', kind: 'update_attributes', attributes: { [giftCodeAttribute.key]: RUN_CODE_PLACEHOLDER }, next: { next: 'offer' } },
      { id: 'offer', kind: 'send', templateId: t.offer as string, channels: 'auto', priority: 5, variables: { code: RUN_CODE_PLACEHOLDER, percent: o.percent ?? 10 }, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
    reentry: { mode: 'every', days: 14 },
  }),
};

/** Back in stock: a product the customer viewed or wished for is available again. */
export const backInStock: Recipe = {
  key: 'back_in_stock',
  name: { fa: 'دوباره موجود شد', ar: 'عاد إلى المخزون', en: 'Back in stock' },
  description: {
    fa: 'وقتی محصولی که مشتری دیده یا به علاقه‌مندی‌ها افزوده دوباره موجود می‌شود، خبرش را می‌دهد. «days»: بازدیدهای چند روز اخیر حساب شود (پیش‌فرض ۳۰).',
    ar: 'حين يعود منتج شاهده العميل أو أضافه إلى قائمة الأمنيات إلى المخزون، يخبره بذلك. «days»: المشاهدات خلال كم يوماً (افتراضياً ٣٠).',
    en: 'When a product the customer viewed or wished for is back in stock, tells them. "days": how far back views count (default 30).',
  },
  triggerSummary: (o, l) =>
    ({ fa: `محصولی که در ${o.days ?? 30} روز اخیر دیده یا پسندیده دوباره موجود شد`, ar: `عودة منتج شاهده أو تمنّاه خلال ${o.days ?? 30} يوماً`, en: `A product viewed or wished for within ${o.days ?? 30} days is back in stock` })[l],
  accepts: ['days'],
  attributes: () => [],
  templates: [
    {
      key: 'available',
      label: { fa: 'موجود شد', ar: 'متوفر الآن', en: 'Back in stock' },
      category: 'marketing',
      copy: {
        fa: {
          subject: `«${product}» دوباره موجود شد`,
          paragraphs: [
            `خبر خوب: «${product}» که چندی پیش دیده بودید، دوباره موجود است{% if vars.trigger.product.price %}، با قیمت ${productPrice('fa')}{% endif %}.`,
            'ممکن است زود تمام شود؛ اگر هنوز آن را می‌خواهید، الان بهترین وقت است.',
            productLink.fa,
          ],
          sms: `${n.fa}«${product}» دوباره در {{ workspace.name }} موجود شد! تا تمام نشده سفارش دهید.`,
        },
        ar: {
          subject: `«${product}» متوفر من جديد`,
          paragraphs: [
            `خبر سار: «${product}» الذي شاهدته من قبل متوفر من جديد{% if vars.trigger.product.price %}، بسعر ${productPrice('ar')}{% endif %}.`,
            'قد تنفد الكمية سريعاً، فإن كنت ما زلت تريده، فهذا هو الوقت المناسب.',
            productLink.ar,
          ],
          sms: `${n.ar}«${product}» متوفر من جديد في {{ workspace.name }}! اطلبه قبل أن ينفد.`,
        },
        en: {
          subject: `${product} is back in stock`,
          paragraphs: [
            `Good news: ${product}, which you looked at recently, is back in stock{% if vars.trigger.product.price %} at ${productPrice('en')}{% endif %}.`,
            'It may sell out again soon, so if you still want it, now is the time.',
            productLink.en,
          ],
          sms: `${n.en}${product} is back in stock at {{ workspace.name }}! Order before it sells out again.`,
        },
      },
    },
  ],
  build: (o, t) => ({
    trigger: { kind: 'product', change: 'back_in_stock', minDropPercent: 0, audience: 'either', lookbackDays: o.days ?? 30 },
    start: 'tell',
    steps: [
      { id: 'tell', kind: 'send', templateId: t.available as string, channels: 'auto', priority: 6, variables: {}, next: { next: 'end' } },
      { id: 'end', kind: 'exit' },
    ],
    goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
    // Each restock is its own moment (its key names the change); a day between keeps two restocks from sending twice at once.
    reentry: { mode: 'every', days: 1 },
  }),
};
