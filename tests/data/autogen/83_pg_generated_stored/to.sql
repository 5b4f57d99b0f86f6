CREATE TABLE t (id integer PRIMARY KEY, price integer, qty integer, total integer GENERATED ALWAYS AS (price * qty + 1) STORED,
    half numeric GENERATED ALWAYS AS (price / 2.0) STORED);
CREATE INDEX ix_t_total ON t (total);
