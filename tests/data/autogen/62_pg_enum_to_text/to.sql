CREATE TABLE t (id integer PRIMARY KEY, m text DEFAULT 'happy');
