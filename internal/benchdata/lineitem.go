package benchdata

import "strconv"

// LineitemSQL creates and fills table lineitem with rows rows: 16 columns (bigint and
// integers, numeric(15,2) ×4, char(1) ×2, date ×3, char(25), char(10), varchar(44)).
func LineitemSQL(rows int) string {
	return `CREATE TABLE lineitem (
  l_orderkey bigint NOT NULL, l_partkey integer NOT NULL, l_suppkey integer NOT NULL, l_linenumber integer NOT NULL,
  l_quantity numeric(15,2), l_extendedprice numeric(15,2), l_discount numeric(15,2), l_tax numeric(15,2),
  l_returnflag char(1), l_linestatus char(1), l_shipdate date, l_commitdate date, l_receiptdate date,
  l_shipinstruct char(25), l_shipmode char(10), l_comment varchar(44));
INSERT INTO lineitem SELECT
  (i / 4) + 1, (i * 7919) % 200000 + 1, (i * 104729) % 10000 + 1, i % 4 + 1,
  (i % 50 + 1)::numeric(15,2), ((i * 7919) % 10000000) / 100.0 + 900, (i % 11) / 100.0, (i % 9) / 100.0,
  (ARRAY['A','N','R'])[(i % 3 + 1)::int], (ARRAY['O','F'])[(i % 2 + 1)::int],
  DATE '1992-01-02' + (i % 2500)::int, DATE '1992-01-31' + (i % 2500)::int, DATE '1992-01-03' + (i % 2530)::int,
  (ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'])[(i % 4 + 1)::int],
  (ARRAY['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'])[(i % 7 + 1)::int],
  substr(md5(i::text) || md5((i + 1)::text), 1, (10 + i % 34)::int)
FROM generate_series(0::bigint, ` + strconv.Itoa(rows-1) + `) AS g(i);
ANALYZE lineitem;`
}
