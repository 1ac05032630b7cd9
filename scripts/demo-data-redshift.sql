-- The sample database of `make demo SOURCE=redshift`, created in the PostgreSQL behind
-- the local Redshift, with types Redshift has (no jsonb, uuid or unbounded text).
CREATE TABLE customers (
  id          bigint PRIMARY KEY,
  name        varchar(100) NOT NULL,
  email       varchar(200),
  country     char(2),
  signed_up   timestamptz NOT NULL,
  birthday    date,
  vip         boolean NOT NULL DEFAULT false,
  score       double precision
);
INSERT INTO customers
SELECT g, 'Customer ' || g,
       CASE WHEN g % 10 = 0 THEN NULL WHEN g % 17 = 0 THEN '' ELSE 'c' || g || '@example.com' END,
       (ARRAY['FR','DE','US','JP','BR'])[1 + g % 5],
       timestamptz '2020-01-01 00:00:00+00' + g * interval '37 minutes',
       CASE WHEN g % 7 = 0 THEN NULL ELSE date '1960-01-01' + (g * 13) % 20000 END,
       g % 11 = 0,
       CASE WHEN g % 9 = 0 THEN NULL ELSE g / 7.0 END
FROM generate_series(1, 2000) g;

CREATE TABLE orders (
  order_id    bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  ordered_at  timestamp NOT NULL,
  status      varchar(16) NOT NULL,
  total       numeric(12,2) NOT NULL,
  note        varchar(256)
);
INSERT INTO orders
SELECT g, 1 + g % 2000, timestamp '2023-01-01' + g * interval '5 minutes',
       (ARRAY['new','paid','shipped','returned'])[1 + g % 4],
       round((g % 1000) * 1.37 + 0.99, 2),
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(1, 30000) g;
ANALYZE;
