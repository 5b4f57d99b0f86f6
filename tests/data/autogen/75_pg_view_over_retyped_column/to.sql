CREATE TABLE t (id integer PRIMARY KEY, a bigint);
CREATE VIEW v AS SELECT id, a FROM t;
