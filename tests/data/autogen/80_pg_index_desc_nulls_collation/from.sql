CREATE TABLE t (id integer PRIMARY KEY, a integer, name text);
CREATE INDEX ix_t_a ON t (a);
CREATE INDEX ix_t_name ON t (name);
