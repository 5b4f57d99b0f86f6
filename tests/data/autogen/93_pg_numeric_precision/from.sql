CREATE TABLE t (id integer PRIMARY KEY, amount numeric(10, 2), ts timestamp, t2 time);
