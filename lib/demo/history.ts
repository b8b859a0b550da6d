/**
 * The demo's last month, as changes to its databases. The builder (build.ts) writes the
 * databases as they are today; `REWIND` puts back the parents that were still there 30
 * days ago, and each day's changes delete them again, until the databases are exactly as
 * built. Nothing is random: the same month replays the same way every time.
 *
 * - day 1 to 29: the shop hard-deletes customers 3001–3300, about ten a day; their activity,
 *   e-mail links, push subscriptions and feedback in the other databases stay behind (the
 *   `customer_activity` backlog grows by about a hundred rows a day);
 * - day 12: user 12345 is deleted and the cascade fails half-way: the user and its posts go,
 *   490 comments, 250 likes and 5 orders stay, and 30 comments by others sit on its posts;
 * - day 15: users soft-deleted 45 days before today pass their 30-day grace (no change to
 *   the data: their 40 activity rows count as orphans from then on);
 * - day 20: three orders are removed without their payments;
 * - day 22: a refactoring removes com.example.OldService from the code graph;
 * - day 25: four order lines are removed under their refunds.
 *
 * The statements are fixed text of the demo's own (no input reaches them), in their target's
 * dialect (like shop.sql.ts and sqlite.sql.ts). A change with `foreignKeysOff` runs without
 * foreign-key enforcement, as a broken cascade, a restore or SQLite's default would.
 */
export interface DemoChange {
  target: "shop" | "activity" | "social" | "codegraph";
  statements: string[];
  /** Foreign keys are not enforced (PostgreSQL's replica mode, SQLite's foreign_keys pragma off): the cascade that should have run did not. */
  foreignKeysOff?: boolean;
}

/** The first and last customer the shop deletes over the month, and the days it does so. */
const FIRST_CUSTOMER = 3001;
const CUSTOMERS = 300;
const CUSTOMER_DAYS = 29;

/** The parents that still existed 30 days ago (each insert is a no-op when the row is there). */
export const REWIND: DemoChange[] = [
  {
    target: "shop",
    statements: [
      `INSERT INTO users (id, email, name, created_at)
         SELECT i, 'customer' || i || '@example.com', 'Customer ' || i, now() - interval '400 days'
         FROM generate_series(${FIRST_CUSTOMER}, ${FIRST_CUSTOMER + CUSTOMERS - 1}) i ON CONFLICT (id) DO NOTHING`,
      `INSERT INTO users (id, email, name, created_at) VALUES (12345, 'user12345@example.com', 'User 12345', now() - interval '300 days')
         ON CONFLICT (id) DO NOTHING`,
      `INSERT INTO posts (id, user_id, title, content)
         SELECT 900000 + i, 12345, 'Post ' || (900000 + i), 'by the user whose deletion failed half-way' FROM generate_series(1, 10) i
         ON CONFLICT (id) DO NOTHING`,
      `INSERT INTO orders (id, user_id, total) SELECT 999990 + i, 1, 5.00 FROM generate_series(1, 3) i ON CONFLICT (id) DO NOTHING`,
      `INSERT INTO order_lines (order_id, line_no, sku) SELECT 17, 8 + i, 'SKU-17-' || (8 + i) FROM generate_series(1, 4) i
         ON CONFLICT (order_id, line_no) DO NOTHING`,
    ],
  },
  {
    target: "codegraph",
    statements: [
      `INSERT OR IGNORE INTO symbols (id, fqn, kind) VALUES (900, 'com.example.OldService', 'class')`,
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 7)
         INSERT OR IGNORE INTO symbols (id, fqn, kind) SELECT 900 + i, 'com.example.OldService#m' || i, 'method' FROM s`,
    ],
  },
];

/** The customers the shop deletes on `day` (1–29): an even share of 3001–3300 each day. */
export function customersDeletedOn(day: number): [number, number] | null {
  if (day < 1 || day > CUSTOMER_DAYS) return null;
  const from = FIRST_CUSTOMER + Math.ceil(((day - 1) * CUSTOMERS) / CUSTOMER_DAYS);
  const to = FIRST_CUSTOMER + Math.ceil((day * CUSTOMERS) / CUSTOMER_DAYS) - 1;
  return to >= from ? [from, to] : null;
}

/** The day the cascade of user 12345 fails. */
export const FAILED_CASCADE_DAY = 12;

/** What happens to the demo databases on `day` (0 = 30 days ago, 30 = today). */
export function changesOn(day: number): DemoChange[] {
  const changes: DemoChange[] = [];
  const customers = customersDeletedOn(day);
  if (customers) changes.push({ target: "shop", statements: [`DELETE FROM users WHERE id BETWEEN ${customers[0]} AND ${customers[1]}`] });
  if (day === FAILED_CASCADE_DAY)
    changes.push({ target: "shop", foreignKeysOff: true, statements: ["DELETE FROM posts WHERE user_id = 12345", "DELETE FROM users WHERE id = 12345"] });
  if (day === 20) changes.push({ target: "shop", foreignKeysOff: true, statements: ["DELETE FROM orders WHERE id BETWEEN 999991 AND 999993"] });
  if (day === 22)
    changes.push({
      target: "codegraph",
      foreignKeysOff: true,
      statements: ["DELETE FROM symbols WHERE fqn = 'com.example.OldService' OR fqn LIKE 'com.example.OldService#%'"],
    });
  if (day === 25)
    changes.push({ target: "shop", foreignKeysOff: true, statements: ["DELETE FROM order_lines WHERE order_id = 17 AND line_no BETWEEN 9 AND 12"] });
  return changes;
}
