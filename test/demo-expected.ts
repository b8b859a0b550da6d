/**
 * The orphans the demo injects, per relation (names as `custodian scan` reports them).
 * Tests assert every scan of a fresh demo against this table.
 */
export const DEMO_EXPECTED_ORPHANS: Record<string, number> = {
  // configured, across databases (activity/social SQLite → shop PGlite)
  activity_profile: 3182 + 40, // hard-deleted customers + users soft-deleted past grace
  email_link_profile: 218,
  push_subscription_profile: 91,
  feedback_profile: 14,
  // configured, inside codegraph (no FK declared)
  summary_symbol: 7,
  // declared foreign keys (discovered)
  "shop.posts.user_id": 0,
  "shop.comments.user_id": 490,
  "shop.comments.post_id": 30,
  "shop.likes.user_id": 250,
  "shop.likes.post_id": 0,
  "shop.orders.user_id": 5,
  "shop.payments.order_id": 3,
  "shop.order_lines.order_id": 0,
  "shop.refunds.order_id+line_no": 4,
  "codegraph.edges.from_fqn": 60,
  "codegraph.edges.to_fqn": 40,
  "codegraph.entry_points.symbol_fqn": 3,
};
