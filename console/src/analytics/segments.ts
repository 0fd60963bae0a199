import type { RfmSegment, RiskBand } from './types';

/** One colour per RFM segment, from warm (valuable) to grey (gone), used on every page. */
export const SEGMENT_COLOR: Record<RfmSegment, string> = {
  champions: 'teal',
  loyal: 'green',
  potential_loyalists: 'lime',
  new: 'cyan',
  promising: 'blue',
  need_attention: 'yellow',
  about_to_sleep: 'orange',
  at_risk: 'red',
  cant_lose_them: 'pink',
  hibernating: 'grape',
  lost: 'gray',
};

export const RISK_COLOR: Record<RiskBand, string> = { low: 'teal', medium: 'yellow', high: 'red' };
