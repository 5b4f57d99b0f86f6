CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT);
CREATE TABLE old_log (id INTEGER PRIMARY KEY);
CREATE INDEX ix_users_legacy ON users (legacy);
