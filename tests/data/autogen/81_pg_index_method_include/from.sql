CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, tags text[]);
CREATE INDEX ix_t_a ON t (a);
