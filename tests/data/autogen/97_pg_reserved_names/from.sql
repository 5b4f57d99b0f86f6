CREATE TABLE "user" (id integer PRIMARY KEY, "offset" integer, "window" text);
