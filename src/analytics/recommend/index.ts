/** Recommendations: "bought together" association rules and item-to-item recommendations per customer. */
export { type AssociationOptions, type AssociationRule, type AssociationRules, mineAssociationRules } from './association-rules.ts';
export {
  buildItemSimilarity,
  type ItemSimilarityModel,
  type ItemSimilarityOptions,
  type Neighbour,
  type Recommendation,
  recommendFor,
} from './item-similarity.ts';
