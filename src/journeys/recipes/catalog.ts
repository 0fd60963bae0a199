import { backInStock, browseAbandonment, cartAbandonment } from './carts.ts';
import { incidentApology, subscriptionRenewal, vipThankYou } from './moments.ts';
import { onboarding, postPurchase } from './onboarding.ts';
import type { Recipe } from './recipe.ts';
import { birthday, winBack } from './winback.ts';

/** The ready-made journeys, in the order the list shows them. */
export const recipes: readonly Recipe[] = [
  onboarding,
  postPurchase,
  winBack,
  birthday,
  cartAbandonment,
  browseAbandonment,
  backInStock,
  vipThankYou,
  subscriptionRenewal,
  incidentApology,
];

export const recipeKeys = recipes.map((r) => r.key) as [string, ...string[]];

export function recipeByKey(key: string): Recipe | undefined {
  return recipes.find((r) => r.key === key);
}
