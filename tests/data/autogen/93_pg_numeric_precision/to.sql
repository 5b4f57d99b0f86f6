CREATE TABLE t (id integer PRIMARY KEY, amount numeric(14, 4), ts timestamp with time zone, t2 time(3));
