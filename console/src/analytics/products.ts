import type { TFunction } from 'i18next';
import type { ProductRef } from './types';

/** A product's name, or "Product <id>" when the catalog has none. */
export function productName(t: TFunction, product: ProductRef): string {
  return product.name || t('analytics.card.unnamedProduct', { id: product.id });
}

/** Wraps text of either direction (an English product in a Persian sentence) so it cannot reorder its neighbours. */
export const isolate = (text: string) => `\u2068${text}\u2069`;
