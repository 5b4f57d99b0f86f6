CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT);
CREATE INDEX ix_t_email_lower ON t (lower(email));
