INSERT INTO todos VALUES (1, 'open', 'abc', 1.5, 5);
