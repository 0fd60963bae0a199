import type { TFunction } from 'i18next';
import { isolate } from '../products';
import { RFM_SEGMENTS } from '../types';

const PLAIN_FEATURES = new Set(['orders', 'revenue', 'purchaseDays', 'averageOrderValue', 'daysSinceLastOrder', 'tenureDays', 'city', 'gender', 'language']);

export function groupName(t: TFunction, key: string): string {
  if (key === 'vip' || key === 'churned') return t(`analytics.compare.groups.${key}`);
  if (key.startsWith('segment:')) {
    const segment = key.slice(8);
    const known = (RFM_SEGMENTS as readonly string[]).includes(segment);
    return t('analytics.compare.segmentGroup', { segment: known ? t(`analytics.segments.${segment as 'new'}`) : segment });
  }
  if (key.startsWith('tag:')) return t('analytics.compare.tagGroup', { tag: key.slice(4) });
  return key;
}

/**
 * A compared feature in words: `orders`, `city = Tehran`, `tag:vip`, `event:Product Viewed`,
 * `section:/genre`; anything else (a churn model's columns) as it is.
 */
export function featureName(t: TFunction, feature: string): string {
  const level = /^(.+?) = (.*)$/.exec(feature);
  if (level) {
    const [, column = '', value = ''] = level;
    const shown = column === 'gender' ? t(`genders.${value as 'female'}`, { defaultValue: value }) : column === 'language' ? t(`languages.${value as 'fa'}`, { defaultValue: value }) : value;
    return t('analytics.features.level', { column: featureName(t, column), value: isolate(shown) });
  }
  if (feature.startsWith('tag:')) return t('analytics.features.tag', { tag: isolate(feature.slice(4)) });
  if (feature.startsWith('event:')) return t('analytics.features.event', { name: isolate(feature.slice(6)) });
  if (feature.startsWith('section:')) return t('analytics.features.section', { path: isolate(feature.slice(8)) });
  return PLAIN_FEATURES.has(feature) ? t(`analytics.features.${feature as 'orders'}`) : isolate(feature.replace(/_/g, ' '));
}
