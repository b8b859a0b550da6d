// The demo's SQLite targets. Deterministic, like shop.sql.ts: expected.ts lists the counts.

const seq = (n: number) => `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})`;

/**
 * "activity": click-stream and e-mail links keyed by shop user ids across databases,
 * as in the seed where a SAR found 47 rows left behind after an account was "fully
 * erased". Hard-deleted customers 3001–3300 (Mikkel is 3047, with his 47 rows) left
 * 3,182 activity rows, 218 e-mail links and 91 push subscriptions; 40 activity rows belong
 * to users soft-deleted past their grace, 20 to users still inside it.
 */
export const ACTIVITY_SQL = `
CREATE TABLE customer_activity (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  occurred_at TEXT NOT NULL
);
CREATE INDEX customer_activity_profile_idx ON customer_activity (profile_id);
CREATE TABLE customer_email_links (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  token TEXT NOT NULL
);
CREATE INDEX customer_email_links_profile_idx ON customer_email_links (profile_id);
CREATE TABLE customer_push_subscriptions (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL,
  endpoint TEXT NOT NULL
);
CREATE INDEX customer_push_subscriptions_profile_idx ON customer_push_subscriptions (profile_id);

${seq(20000)} INSERT INTO customer_activity (id, profile_id, event, occurred_at)
  SELECT i, ((i - 1) % 2000) + 1, CASE i % 3 WHEN 0 THEN 'product_view' WHEN 1 THEN 'scroll_depth' ELSE 'time_on_page' END,
         datetime('now', '-' || (i % 400) || ' days') FROM s;
${seq(47)} INSERT INTO customer_activity (id, profile_id, event, occurred_at)
  SELECT 100000 + i, 3047, 'product_view', datetime('now', '-' || (i + 30) || ' days') FROM s;
${seq(3135)} INSERT INTO customer_activity (id, profile_id, event, occurred_at)
  SELECT 200000 + i, CASE WHEN 3001 + (i % 299) >= 3047 THEN 3002 + (i % 299) ELSE 3001 + (i % 299) END, 'scroll_depth',
         datetime('now', '-' || (i % 540) || ' days') FROM s;
${seq(40)} INSERT INTO customer_activity (id, profile_id, event, occurred_at)
  SELECT 300000 + i, 2011 + (i % 20), 'time_on_page', datetime('now', '-50 days') FROM s;
${seq(20)} INSERT INTO customer_activity (id, profile_id, event, occurred_at)
  SELECT 400000 + i, 2001 + (i % 10), 'time_on_page', datetime('now', '-5 days') FROM s;

${seq(2000)} INSERT INTO customer_email_links (id, profile_id, email, token)
  SELECT i, i, 'user' || i || '@example.com', hex(randomblob(8)) FROM s;
${seq(218)} INSERT INTO customer_email_links (id, profile_id, email, token)
  SELECT 100000 + i, 3001 + (i % 300), 'gone' || i || '@example.com', hex(randomblob(8)) FROM s;

${seq(1500)} INSERT INTO customer_push_subscriptions (id, profile_id, endpoint)
  SELECT i, ((i * 3) % 2000) + 1, 'https://push.example.com/' || i FROM s;
${seq(91)} INSERT INTO customer_push_subscriptions (id, profile_id, endpoint)
  SELECT 100000 + i, 3001 + ((i * 7) % 300), 'https://push.example.com/gone/' || i FROM s;
`;

/**
 * "social": feedback (anonymous feedback has no profile: never an orphan) and a
 * sessions table that no relation covers (a deletion handler forgot it).
 */
export const SOCIAL_SQL = `
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX feedback_profile_idx ON feedback (profile_id);
CREATE TABLE customer_sessions (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL,
  user_agent TEXT NOT NULL
);

${seq(1000)} INSERT INTO feedback (id, profile_id, body) SELECT i, ((i * 9) % 2000) + 1, 'Great app #' || i FROM s;
${seq(200)} INSERT INTO feedback (id, profile_id, body) SELECT 10000 + i, NULL, 'anonymous #' || i FROM s;
${seq(14)} INSERT INTO feedback (id, profile_id, body) SELECT 20000 + i, 3100 + i, 'from a deleted customer' FROM s;
${seq(800)} INSERT INTO customer_sessions (id, profile_id, user_agent) SELECT i, ((i * 5) % 2300) + 1, 'Mozilla/5.0' FROM s;
`;

/**
 * "codegraph": symbols keyed by text FQNs. com.example.OldService was deleted in a
 * refactor; 60 edges from it and 40 edges to it remain, with 3 entry points and 7
 * summaries. SQLite does not enforce foreign keys unless told to, so the declared FKs
 * let the orphans in.
 */
export const CODEGRAPH_SQL = `
CREATE TABLE symbols (
  id INTEGER PRIMARY KEY,
  fqn TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL
);
CREATE TABLE edges (
  id INTEGER PRIMARY KEY,
  from_fqn TEXT NOT NULL REFERENCES symbols (fqn),
  to_fqn TEXT NOT NULL REFERENCES symbols (fqn),
  relation TEXT NOT NULL
);
CREATE INDEX edges_from_idx ON edges (from_fqn);
CREATE INDEX edges_to_idx ON edges (to_fqn);
CREATE TABLE entry_points (
  id INTEGER PRIMARY KEY,
  symbol_fqn TEXT NOT NULL REFERENCES symbols (fqn)
);
CREATE TABLE summaries (
  id INTEGER PRIMARY KEY,
  target_fqn TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX summaries_target_idx ON summaries (target_fqn);
CREATE TABLE glossary (
  id INTEGER PRIMARY KEY,
  source_fqn TEXT,
  term TEXT NOT NULL
);

${seq(500)} INSERT INTO symbols (id, fqn, kind)
  SELECT i, 'com.example.pkg' || (i % 20) || '.Class' || i, CASE WHEN i % 5 = 0 THEN 'interface' ELSE 'class' END FROM s;
${seq(3000)} INSERT INTO edges (id, from_fqn, to_fqn, relation)
  SELECT i, 'com.example.pkg' || (((i * 7) % 500 + 1) % 20) || '.Class' || ((i * 7) % 500 + 1),
            'com.example.pkg' || (((i * 11) % 500 + 1) % 20) || '.Class' || ((i * 11) % 500 + 1), 'calls' FROM s;
${seq(60)} INSERT INTO edges (id, from_fqn, to_fqn, relation)
  SELECT 10000 + i, 'com.example.OldService', 'com.example.pkg' || ((i % 500 + 1) % 20) || '.Class' || (i % 500 + 1), 'calls' FROM s;
${seq(40)} INSERT INTO edges (id, from_fqn, to_fqn, relation)
  SELECT 20000 + i, 'com.example.pkg' || ((i % 500 + 1) % 20) || '.Class' || (i % 500 + 1), 'com.example.OldService', 'calls' FROM s;
${seq(50)} INSERT INTO entry_points (id, symbol_fqn) SELECT i, 'com.example.pkg' || ((i * 10) % 20) || '.Class' || (i * 10) FROM s;
${seq(3)} INSERT INTO entry_points (id, symbol_fqn) SELECT 100 + i, 'com.example.OldService' FROM s;
${seq(400)} INSERT INTO summaries (id, target_fqn, summary) SELECT i, 'com.example.pkg' || (i % 20) || '.Class' || i, 'does things' FROM s;
${seq(7)} INSERT INTO summaries (id, target_fqn, summary) SELECT 1000 + i, 'com.example.OldService#m' || i, 'stale summary' FROM s;
${seq(100)} INSERT INTO glossary (id, source_fqn, term) SELECT i, 'com.example.pkg' || (i % 20) || '.Class' || i, 'term ' || i FROM s;
`;
