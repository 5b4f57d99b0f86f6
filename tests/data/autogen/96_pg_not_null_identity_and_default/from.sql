CREATE TABLE t (id integer, a text, n integer DEFAULT 1);
