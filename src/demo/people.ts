/**
 * Deterministic, realistic people for demo data and benchmarks: Persian, Arabic and English names,
 * Iranian mobiles typed the ways people type them (09…, +98…, 0098…, spaced, Persian and
 * Arabic-Indic digits), emails, cities, tags and a few custom attributes.
 */
import type { CustomerInput } from '../customers/schema.ts';

/** mulberry32: a small, fast, seedable PRNG (public domain, Tommy Ettinger). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** [native spelling, Latin spelling for the email] */
type Name = readonly [string, string];
const persianFirst: Name[] = [
  ['علی', 'ali'], ['محمد', 'mohammad'], ['حسین', 'hossein'], ['رضا', 'reza'], ['مهدی', 'mahdi'], ['امیر', 'amir'],
  ['علی‌رضا', 'alireza'], ['کیان', 'kian'], ['کامران', 'kamran'], ['یوسف', 'yousef'], ['پویا', 'pouya'], ['سینا', 'sina'],
  ['بهنام', 'behnam'], ['کوروش', 'kourosh'], ['آرش', 'arash'], ['میلاد', 'milad'], ['یاسین', 'yasin'], ['مصطفی', 'mostafa'],
  ['سارا', 'sara'], ['مریم', 'maryam'], ['فاطمه', 'fatemeh'], ['زهرا', 'zahra'], ['نرگس', 'narges'], ['یاسمین', 'yasmin'],
  ['نیلوفر', 'niloofar'], ['پریسا', 'parisa'], ['مهسا', 'mahsa'], ['کیمیا', 'kimia'], ['شیرین', 'shirin'], ['الهام', 'elham'],
  ['ستاره', 'setareh'], ['کتایون', 'katayoun'], ['هانیه', 'hanieh'], ['آیدا', 'aida'], ['ریحانه', 'reyhaneh'], ['مینا', 'mina'],
];
const persianLast: Name[] = [
  ['کریمی', 'karimi'], ['محمدی', 'mohammadi'], ['حسینی', 'hosseini'], ['رضایی', 'rezaei'], ['احمدی', 'ahmadi'], ['موسوی', 'mousavi'],
  ['کاظمی', 'kazemi'], ['یزدانی', 'yazdani'], ['کیانی', 'kiani'], ['شریفی', 'sharifi'], ['جعفری', 'jafari'], ['صادقی', 'sadeghi'],
  ['نیک‌نام', 'niknam'], ['تهرانی', 'tehrani'], ['اصفهانی', 'esfahani'], ['شیرازی', 'shirazi'], ['کرمانی', 'kermani'], ['یگانه', 'yeganeh'],
  ['قاسمی', 'ghasemi'], ['مرادی', 'moradi'], ['نوری', 'nouri'], ['کشاورز', 'keshavarz'], ['فرهادی', 'farhadi'], ['بابایی', 'babaei'],
  ['رحیمی', 'rahimi'], ['اکبری', 'akbari'], ['زارعی', 'zarei'], ['کمالی', 'kamali'], ['عباسی', 'abbasi'], ['سلیمانی', 'soleimani'],
  ['حیدری', 'heydari'], ['ملکی', 'maleki'], ['پاکزاد', 'pakzad'], ['کوهی', 'kouhi'], ['یوسفی', 'yousefi'], ['میرزایی', 'mirzaei'],
];
const arabicFirst: Name[] = [
  ['محمد', 'mohammed'], ['أحمد', 'ahmed'], ['يوسف', 'yousef'], ['خالد', 'khaled'], ['عمر', 'omar'], ['كريم', 'karim'],
  ['علي', 'ali'], ['سعيد', 'saeed'], ['فيصل', 'faisal'], ['ناصر', 'nasser'], ['فاطمة', 'fatima'], ['عائشة', 'aisha'],
  ['مريم', 'maryam'], ['ليلى', 'layla'], ['نور', 'noor'], ['هيفاء', 'haifa'], ['سلمى', 'salma'], ['رانيا', 'rania'],
];
const arabicLast: Name[] = [
  ['العتيبي', 'alotaibi'], ['الكعبي', 'alkaabi'], ['الشمري', 'alshammari'], ['الحربي', 'alharbi'], ['المالكي', 'almaliki'],
  ['القحطاني', 'alqahtani'], ['الزهراني', 'alzahrani'], ['الدوسري', 'aldosari'], ['الهاشمي', 'alhashemi'], ['المنصوري', 'almansoori'],
  ['الكبيسي', 'alkubaisi'], ['السعدي', 'alsaadi'],
];
const englishFirst: Name[] = ['James', 'Olivia', 'Liam', 'Emma', 'Noah', 'Sophia', 'Lucas', 'Mia', 'Ethan', 'Ava', 'Oliver', 'Isla', 'Jack', 'Grace', 'Leo', 'Chloe'].map(
  (n) => [n, n.toLowerCase()] as const,
);
const englishLast: Name[] = ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Clarke', 'Hughes', 'Baker'].map(
  (n) => [n, n.toLowerCase()] as const,
);

const cities = {
  fa: ['تهران', 'مشهد', 'اصفهان', 'شیراز', 'تبریز', 'کرج', 'قم', 'اهواز', 'کرمانشاه', 'رشت', 'یزد', 'کیش'],
  ar: ['دبي', 'الرياض', 'جدة', 'الدوحة', 'الكويت', 'مسقط', 'بغداد', 'كربلاء'],
  en: ['London', 'Toronto', 'Dubai', 'Hamburg', 'Istanbul'],
};
const tags = ['vip', 'newsletter', 'wholesale', 'churn-risk', 'mobile-app', 'instagram', 'b2b', 'loyal', 'first-order', 'telegram', 'نوروز', 'عمده'];
const domains = ['gmail.com', 'yahoo.com', 'outlook.com', 'chmail.ir', 'email.ir', 'hotmail.com', 'icloud.com'];
/** Iranian mobile prefixes (MCI, Irancell, RighTel) after the leading 0. */
const mobilePrefixes = ['910', '911', '912', '913', '914', '915', '916', '917', '918', '919', '990', '991', '930', '933', '935', '936', '937', '938', '939', '901', '902', '903', '904', '905', '920', '921', '922'];

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';
const digitsIn = (s: string, set: string) => s.replace(/\d/g, (d) => set[Number(d)]!);

/** A national number 9xxxxxxxxx typed in one of the ways people type it. */
export function typedPhone(national: string, form: number): string {
  const local = `0${national}`;
  switch (form % 8) {
    case 0:
      return local;
    case 1:
      return `+98${national}`;
    case 2:
      return digitsIn(local, PERSIAN);
    case 3:
      return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
    case 4:
      return `0098${national}`;
    case 5:
      return `+98 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
    case 6:
      return digitsIn(local, ARABIC);
    default:
      return `${local.slice(0, 4)}-${local.slice(4, 7)}-${local.slice(7)}`;
  }
}

/** Custom attributes the generated customers use; define them before creating the customers. */
export const personAttributes = [
  { key: 'tier', label: 'Tier', type: 'enum' as const, options: ['bronze', 'silver', 'gold'] },
  { key: 'lifetime_value', label: 'Lifetime value (IRR)', type: 'number' as const },
];

/**
 * One generated customer: name, language, city, phones typed the way people type them, email,
 * tags, gender, birthday and a couple of custom attributes. Deterministic for a given rng state.
 */
export function generatePerson(rng: Rng, n: number): { customer: CustomerInput; phones: string[] } {
  const roll = rng();
  const lang = roll < 0.7 ? 'fa' : roll < 0.85 ? 'ar' : 'en';
  const [first, firstLatin] = pick(rng, lang === 'fa' ? persianFirst : lang === 'ar' ? arabicFirst : englishFirst);
  const [last, lastLatin] = pick(rng, lang === 'fa' ? persianLast : lang === 'ar' ? arabicLast : englishLast);
  const nationals = rng() < 0.92 ? [0] : [];
  if (rng() < 0.15) nationals.push(1);
  const phones = nationals.map(() => `${pick(rng, mobilePrefixes)}${String(Math.floor(rng() * 10_000_000)).padStart(7, '0')}`);
  const c: CustomerInput = {
    externalId: `crm-${n}`,
    firstName: first,
    lastName: last,
    language: lang,
    city: pick(rng, cities[lang]),
  };
  if (phones.length) c.phones = phones.map((p) => typedPhone(p, Math.floor(rng() * 8)));
  if (rng() < 0.8) {
    const local = `${firstLatin}.${lastLatin}${n}`;
    c.emails = [`${rng() < 0.2 ? local.toUpperCase() : local}@${pick(rng, domains)}`];
  }
  if (rng() < 0.6) c.tags = [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, tags)))];
  if (rng() < 0.5) c.gender = rng() < 0.5 ? 'female' : 'male';
  if (rng() < 0.4) c.birthday = `${1960 + Math.floor(rng() * 45)}-${String(1 + Math.floor(rng() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`;
  if (rng() < 0.3) c.attributes = { tier: pick(rng, ['bronze', 'silver', 'gold']), lifetime_value: Math.floor(rng() * 500_000_000) };
  return { customer: c, phones };
}
