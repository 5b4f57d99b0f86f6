CREATE TABLE t (id integer PRIMARY KEY, price integer, qty integer, total integer GENERATED ALWAYS AS (price * qty) STORED);
CREATE INDEX ix_t_total ON t (total);
