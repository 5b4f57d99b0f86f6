CREATE TABLE t (id integer PRIMARY KEY, a text);
COMMENT ON TABLE t IS 'things';
COMMENT ON COLUMN t.a IS 'it''s a';
