package redshift

// functionsSQL installs Redshift functions that PostgreSQL lacks and the product's SQL
// uses (run with catalogSQL, idempotently, in pg_catalog).
//
// STRTOL(num_string, base) (Redshift "STRTOL function"): leading white space, one
// optional sign, for base 16 an optional 0x, then the digits of the base up to the
// first character that is not one (C's strtol); an empty string or one starting with NUL is 0,
// NULL is NULL; the result is BIGINT and must fit its signed range (an overflow is an
// error, as the documentation requires the value to be within it); a base outside
// 2..36 is an error.
const functionsSQL = `
CREATE OR REPLACE FUNCTION redshift_emulator.strtol_loop(text, integer) RETURNS bigint
	LANGUAGE plpgsql IMMUTABLE STRICT AS $rs$
DECLARE
	s text := $1;
	base int := $2;
	i int := 1;
	n int;
	neg boolean := false;
	acc numeric := 0;
	c text;
	d int;
BEGIN
	IF base < 2 OR base > 36 THEN
		RAISE EXCEPTION 'Invalid base % for STRTOL: use a base between 2 and 36', base USING ERRCODE = '22023';
	END IF;
	n := length(s);
	WHILE i <= n AND substr(s, i, 1) IN (' ', E'\t', E'\n', E'\r', E'\f', E'\v') LOOP
		i := i + 1;
	END LOOP;
	IF i <= n AND substr(s, i, 1) IN ('+', '-') THEN
		neg := substr(s, i, 1) = '-';
		i := i + 1;
	END IF;
	IF base = 16 AND lower(substr(s, i, 2)) = '0x' THEN
		i := i + 2;
	END IF;
	WHILE i <= n LOOP
		c := lower(substr(s, i, 1));
		IF c BETWEEN '0' AND '9' THEN
			d := ascii(c) - 48;
		ELSIF c BETWEEN 'a' AND 'z' THEN
			d := ascii(c) - 87;
		ELSE
			EXIT;
		END IF;
		EXIT WHEN d >= base;
		acc := acc * base + d;
		i := i + 1;
	END LOOP;
	IF neg THEN
		acc := -acc;
	END IF;
	IF acc < -9223372036854775808 OR acc > 9223372036854775807 THEN
		RAISE EXCEPTION 'STRTOL: % is out of the range of BIGINT', $1 USING ERRCODE = '22003';
	END IF;
	RETURN acc::bigint;
END
$rs$;
-- STRTOL itself: the common case, 1 to 15 plain hex digits (a checksum reads an MD5 8
-- digits at a time), through a bit-string cast, anything else through the digit loop
-- above (NULL too: the loop is STRICT). A SQL function that is not STRICT, so that
-- PostgreSQL inlines it into the query instead of calling PL/pgSQL per row.
CREATE OR REPLACE FUNCTION pg_catalog.strtol(text, integer) RETURNS bigint
	LANGUAGE sql IMMUTABLE AS $rs$
SELECT CASE WHEN $2 = 16 AND $1 ~ '^[0-9a-fA-F]{1,15}$' THEN ('x' || lpad($1, 16, '0'))::bit(64)::bigint
	ELSE redshift_emulator.strtol_loop($1, $2) END
$rs$;
`
