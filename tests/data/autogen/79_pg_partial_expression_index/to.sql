CREATE TABLE t (id integer PRIMARY KEY, email text, deleted_at timestamptz);
CREATE UNIQUE INDEX ix_t_email ON t (lower(email)) WHERE deleted_at IS NULL AND email <> '';
CREATE INDEX ix_t_both ON t ((email || '@'), id);
