CREATE TABLE t (id integer PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), day date DEFAULT CURRENT_DATE,
    tag text DEFAULT ('t' || 'x'));
