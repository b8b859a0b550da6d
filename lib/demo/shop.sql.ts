/**
 * The demo "shop" (PGlite): the seed's multi-table user database after a user deletion
 * whose cascade died half-way. Deterministic (no randomness) so tests can assert the
 * exact orphan counts listed in expected.ts.
 *
 * - user 12345 was hard-deleted; its posts went, but 490 comments, 250 likes and
 *   5 orders (with 8 payments under them) stayed behind;
 * - 30 comments by live users sit on 12345's deleted posts;
 * - 3 payments point at an order that no longer exists;
 * - 4 refunds point at order lines (composite key) that do not exist; 2 have no line;
 * - users 2001–2010 were soft-deleted 3 days ago (inside a 30-day grace), 2011–2030
 *   45 days ago (past it), each with a same-timestamp soft-deleted cascade of posts,
 *   comments and an order (with a payment, which has no stamp); 2001–2010 also have a
 *   post they deleted on their own 20 days earlier (not part of the cascade);
 * - alice@example.com deleted her account (2040) and registered again (2041).
 */
export const SHOP_SCHEMA = `
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_live_key ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_deleted_at_idx ON users (id) WHERE deleted_at IS NOT NULL;
CREATE TABLE posts (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL,
  content text NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE TABLE comments (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES users (id) ON DELETE CASCADE,
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  content text NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX comments_user_id_idx ON comments (user_id);
CREATE INDEX comments_post_id_idx ON comments (post_id);
CREATE TABLE likes (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);
CREATE INDEX likes_user_id_idx ON likes (user_id);
CREATE INDEX likes_post_id_idx ON likes (post_id);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total numeric(10, 2) NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE payments (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  amount numeric(10, 2) NOT NULL
);
CREATE INDEX payments_order_id_idx ON payments (order_id);
CREATE TABLE order_lines (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no int NOT NULL,
  sku text NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE refunds (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL,
  line_no int,
  reason text NOT NULL,
  FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX refunds_order_line_idx ON refunds (order_id, line_no);
`;

export const SHOP_DATA = `
INSERT INTO users (id, email, name, created_at)
  SELECT i, 'user' || i || '@example.com', 'User ' || i, now() - (i % 700) * interval '1 day'
  FROM generate_series(1, 2000) i;
INSERT INTO users (id, email, name, deleted_at)
  SELECT i, 'user' || i || '@example.com', 'User ' || i, date_trunc('second', now()) - interval '3 days'
  FROM generate_series(2001, 2010) i;
INSERT INTO users (id, email, name, deleted_at)
  SELECT i, 'user' || i || '@example.com', 'User ' || i, date_trunc('second', now()) - interval '45 days'
  FROM generate_series(2011, 2030) i;
INSERT INTO users (id, email, name, deleted_at) VALUES
  (2040, 'alice@example.com', 'Alice Meyer', date_trunc('second', now()) - interval '10 days');
INSERT INTO users (id, email, name) VALUES (2041, 'alice@example.com', 'Alice M.');

INSERT INTO posts (id, user_id, title, content)
  SELECT i, ((i - 1) % 2000) + 1, 'Post ' || i, repeat('lorem ipsum ', 8) FROM generate_series(1, 6000) i;
-- the soft-deleted users' posts, soft-deleted in the same cascade (same timestamp)
INSERT INTO posts (id, user_id, title, content, deleted_at)
  SELECT 7000 + u.id * 2 + k, u.id, 'Post by ' || u.id, 'soft-deleted with its author', u.deleted_at
  FROM users u CROSS JOIN generate_series(0, 1) k WHERE u.deleted_at IS NOT NULL;

-- A post each of users 2001–2010 deleted on its own 20 days before the account: a restore
-- of the account must leave it deleted (not the same cascade).
INSERT INTO posts (id, user_id, title, content, deleted_at)
  SELECT 20000 + u.id, u.id, 'Draft by ' || u.id, 'deleted by its author before the account', u.deleted_at - interval '20 days'
  FROM users u WHERE u.id BETWEEN 2001 AND 2010;

INSERT INTO comments (id, user_id, post_id, content)
  SELECT i, ((i * 7) % 2000) + 1, ((i * 13) % 6000) + 1, 'Nice post #' || i FROM generate_series(1, 20000) i;
INSERT INTO comments (id, user_id, post_id, content)
  SELECT 100000 + i, NULL, ((i * 17) % 6000) + 1, 'anonymous comment' FROM generate_series(1, 25) i;
-- the soft-deleted users' comments and orders, soft-deleted in the same cascade; payments have no stamp
INSERT INTO comments (id, user_id, post_id, content, deleted_at)
  SELECT 150000 + u.id * 3 + k, u.id, ((u.id * 7 + k) % 6000) + 1, 'soft-deleted with its author', u.deleted_at
  FROM users u CROSS JOIN generate_series(0, 2) k WHERE u.deleted_at IS NOT NULL;
INSERT INTO likes (id, user_id, post_id)
  SELECT i, ((i * 11) % 2000) + 1, ((i * 5) % 6000) + 1 FROM generate_series(1, 15000) i;
INSERT INTO orders (id, user_id, total)
  SELECT i, ((i - 1) % 2000) + 1, (i % 400) + 9.99 FROM generate_series(1, 3000) i;
INSERT INTO payments (id, order_id, amount)
  SELECT i, i, (i % 400) + 9.99 FROM generate_series(1, 3000) i;
INSERT INTO orders (id, user_id, total, deleted_at)
  SELECT 150000 + u.id, u.id, 19.99, u.deleted_at FROM users u WHERE u.deleted_at IS NOT NULL;
INSERT INTO payments (id, order_id, amount)
  SELECT 150000 + u.id, 150000 + u.id, 19.99 FROM users u WHERE u.deleted_at IS NOT NULL;
INSERT INTO order_lines (order_id, line_no, sku)
  SELECT o, l, 'SKU-' || (o * 10 + l) FROM generate_series(1, 3000) o CROSS JOIN generate_series(1, 2) l;
INSERT INTO refunds (id, order_id, line_no, reason)
  SELECT i, i * 3, (i % 2) + 1, 'damaged' FROM generate_series(1, 200) i;
INSERT INTO refunds (id, order_id, line_no, reason)
  SELECT 500 + i, 100 + i, NULL, 'whole order' FROM generate_series(1, 2) i;

-- The half-failed cascade: user 12345 and its posts are gone, the rest stayed.
-- (Replica mode skips FK triggers, as a restore or a broken cascade would.)
SET session_replication_role = replica;
INSERT INTO comments (id, user_id, post_id, content)
  SELECT 200000 + i, 12345, ((i * 19) % 6000) + 1, 'comment by a deleted user' FROM generate_series(1, 490) i;
INSERT INTO comments (id, user_id, post_id, content)
  SELECT 300000 + i, ((i * 3) % 2000) + 1, 900000 + (i % 10) + 1, 'comment on a deleted post' FROM generate_series(1, 30) i;
INSERT INTO likes (id, user_id, post_id)
  SELECT 200000 + i, 12345, ((i * 23) % 6000) + 1 FROM generate_series(1, 250) i;
INSERT INTO orders (id, user_id, total)
  SELECT 200000 + i, 12345, 49.00 + i FROM generate_series(1, 5) i;
INSERT INTO payments (id, order_id, amount)
  SELECT 200000 + i, 200000 + ((i - 1) % 5) + 1, 10.00 + i FROM generate_series(1, 8) i;
INSERT INTO payments (id, order_id, amount)
  SELECT 300000 + i, 999990 + i, 5.00 FROM generate_series(1, 3) i;
INSERT INTO refunds (id, order_id, line_no, reason)
  SELECT 600 + i, 17, 8 + i, 'line never existed' FROM generate_series(1, 4) i;
SET session_replication_role = DEFAULT;
ANALYZE;
`;
