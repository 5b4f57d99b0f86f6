CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);
CREATE TABLE todos (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title TEXT NOT NULL);
CREATE INDEX ix_todos_user ON todos (user_id);
CREATE UNIQUE INDEX ux_users_email ON users (email);
