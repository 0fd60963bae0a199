import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = JSONColumnType<Record<string, unknown>, string | undefined, string>;
/** bigint columns: pg returns int8 as a number here (see database.ts); amounts fit in 2^53. */
type Money = ColumnType<number, number | bigint, number | bigint>;

export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';
export type OrderStatus = 'completed' | 'partially_refunded' | 'refunded' | 'cancelled';

export interface TrackingTables {
  customer_identities: { workspace_id: string; anonymous_id: string; customer_id: string; created_at: CreatedAt };
  event_ids: { workspace_id: string; message_id: string };
  events: {
    workspace_id: string;
    id: string;
    message_id: string;
    customer_id: string;
    type: EventType;
    name: string | null;
    properties: Json;
    context: Json;
    anonymous_id: string | null;
    user_id: string | null;
    occurred_at: Timestamp;
    received_at: CreatedAt;
  };
  event_properties: {
    workspace_id: string;
    event_type: string;
    event_name: string;
    property: string;
    json_type: string;
    seen: number;
    first_seen: CreatedAt;
    last_seen: Timestamp;
  };
  products: {
    workspace_id: string;
    id: string;
    sku: string | null;
    name: string | null;
    category: string | null;
    price_minor: Money | null;
    currency: string | null;
    in_stock: boolean | null;
    stock_quantity: number | null;
    url: string | null;
    image_url: string | null;
    properties: Json;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  product_stock_changes: {
    id: Generated<number>;
    workspace_id: string;
    product_id: string;
    in_stock: boolean | null;
    stock_quantity: number | null;
    price_minor: Money | null;
    previous_in_stock: boolean | null;
    previous_price_minor: Money | null;
    source: string;
    changed_at: CreatedAt;
  };
  orders: {
    id: Generated<string>;
    workspace_id: string;
    customer_id: string;
    external_id: string;
    status: ColumnType<OrderStatus, OrderStatus | undefined, OrderStatus>;
    currency: string;
    total_minor: Money;
    refunded_minor: ColumnType<number, number | undefined, number>;
    discount_minor: Money | null;
    shipping_minor: Money | null;
    tax_minor: Money | null;
    coupon: string | null;
    placed_at: Timestamp;
    source: string;
    properties: Json;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  order_lines: {
    order_id: string;
    line_no: number;
    workspace_id: string;
    product_id: string | null;
    sku: string | null;
    name: string | null;
    category: string | null;
    quantity: ColumnType<string, number | string, number | string>;
    price_minor: Money | null;
  };
}
