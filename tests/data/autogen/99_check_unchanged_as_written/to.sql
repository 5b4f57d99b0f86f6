CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    status VARCHAR(20) CHECK (status IN ('open', 'done')),
    code CHAR(3) CHECK (code IN ('abc', 'xyz')),
    amount NUMERIC(10, 2) CHECK (amount IN (1.5, 2.5)),
    qty INTEGER CHECK (qty BETWEEN 1 AND 10),
    CONSTRAINT todos_status_any CHECK (status = ANY (ARRAY['open', 'done'])),
    CONSTRAINT todos_status_any_vc CHECK (status::text = ANY (ARRAY['open'::varchar, 'done'::varchar]::text[]))
);
