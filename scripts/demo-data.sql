-- The sample database of `make demo`: a small store with the types a migration meets.
CREATE TABLE customers (
  id          bigint PRIMARY KEY,
  name        text NOT NULL,
  email       varchar(200),
  country     char(2),
  signed_up   timestamptz NOT NULL,
  birthday    date,
  vip         boolean NOT NULL DEFAULT false,
  prefs       jsonb,
  external_id uuid
);
INSERT INTO customers
SELECT g, 'Customer ' || g,
       CASE WHEN g % 10 = 0 THEN NULL WHEN g % 17 = 0 THEN '' ELSE 'c' || g || '@example.com' END,
       (ARRAY['FR','DE','US','JP','BR'])[1 + g % 5],
       timestamptz '2020-01-01 00:00:00+00' + g * interval '37 minutes',
       CASE WHEN g % 7 = 0 THEN NULL ELSE date '1960-01-01' + (g * 13) % 20000 END,
       g % 11 = 0,
       CASE WHEN g % 3 = 0 THEN jsonb_build_object('newsletter', g % 2 = 0, 'tags', jsonb_build_array('a', g)) END,
       md5(g::text)::uuid
FROM generate_series(1, 2000) g;

CREATE TABLE orders (
  order_id    bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  ordered_at  timestamp NOT NULL,
  status      text NOT NULL,
  total       numeric(12,2) NOT NULL,
  note        text
);
INSERT INTO orders
SELECT g, 1 + g % 2000, timestamp '2023-01-01' + g * interval '5 minutes',
       (ARRAY['new','paid','shipped','returned'])[1 + g % 4],
       round((g % 1000) * 1.37 + 0.99, 2),
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(1, 30000) g;

CREATE TABLE line_items (
  order_id   bigint NOT NULL,
  line_no    int NOT NULL,
  sku        varchar(32) NOT NULL,
  quantity   int NOT NULL,
  unit_price numeric(10,4) NOT NULL,
  discount   double precision,
  PRIMARY KEY (order_id, line_no)
);
INSERT INTO line_items
SELECT o, l, 'SKU-' || ((o * 7 + l) % 500), 1 + (o + l) % 9, round(((o * l) % 10000) / 7.0, 4),
       CASE WHEN l = 3 THEN NULL ELSE ((o + l) % 20) / 100.0 END
FROM generate_series(1, 30000) o, generate_series(1, 4) l;
ANALYZE;
