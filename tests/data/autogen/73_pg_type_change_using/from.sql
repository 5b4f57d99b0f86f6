CREATE TABLE t (id integer PRIMARY KEY, n text, c int4, f real, b integer);
