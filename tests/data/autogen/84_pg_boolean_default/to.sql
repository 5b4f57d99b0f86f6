CREATE TABLE t (id integer PRIMARY KEY, done boolean NOT NULL DEFAULT false, flag bool DEFAULT true);
