CREATE TABLE t (id integer PRIMARY KEY, a integer);
CREATE VIEW v AS SELECT id, a FROM t;
