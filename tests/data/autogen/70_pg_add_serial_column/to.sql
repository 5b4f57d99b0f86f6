CREATE TABLE t (id integer PRIMARY KEY, n serial, big bigserial);
