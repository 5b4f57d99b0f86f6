INSERT INTO todos VALUES (1, 'open', 'abc', 'a', 1.5, 5);
