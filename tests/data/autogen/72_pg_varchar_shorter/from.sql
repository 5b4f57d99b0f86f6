CREATE TABLE t (id integer PRIMARY KEY, name varchar(100), code character varying(10));
