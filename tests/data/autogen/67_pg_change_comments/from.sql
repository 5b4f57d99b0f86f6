CREATE TABLE t (id integer PRIMARY KEY, a text, b text);
COMMENT ON TABLE t IS 'old';
COMMENT ON COLUMN t.a IS 'a';
COMMENT ON COLUMN t.b IS 'b';
