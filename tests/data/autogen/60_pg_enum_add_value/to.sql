CREATE TYPE mood AS ENUM ('meh', 'happy', 'ok', 'sad', 'angry');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'happy');
