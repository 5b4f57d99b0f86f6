CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT 'b', n numeric(12, 2) NOT NULL DEFAULT 0);
