CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, tags text[]);
CREATE INDEX ix_t_a ON t (a) INCLUDE (b);
CREATE INDEX ix_t_tags ON t USING gin (tags);
CREATE INDEX ix_t_b ON t USING hash (b);
