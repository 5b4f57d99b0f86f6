CREATE TABLE t (id integer PRIMARY KEY, n integer, c int8, f double precision, b boolean);
