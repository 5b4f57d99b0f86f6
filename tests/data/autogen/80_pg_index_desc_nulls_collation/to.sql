CREATE TABLE t (id integer PRIMARY KEY, a integer, name text);
CREATE INDEX ix_t_a ON t (a DESC NULLS LAST);
CREATE INDEX ix_t_name ON t (name COLLATE "C" text_pattern_ops);
