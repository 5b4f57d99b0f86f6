CREATE TABLE t (id integer PRIMARY KEY, a varchar(10) DEFAULT 'a', n integer NOT NULL DEFAULT 0);
