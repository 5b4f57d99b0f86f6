CREATE TABLE t (id integer PRIMARY KEY, a text, b text);
COMMENT ON TABLE t IS 'new';
COMMENT ON COLUMN t.b IS 'b, changed';
