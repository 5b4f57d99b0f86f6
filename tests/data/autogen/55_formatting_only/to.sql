create table t (
    id   integer primary key,
    name text not null default 'x',
    n    INTEGER DEFAULT 0
);
