CREATE TABLE "Order Items" ("Id" INTEGER PRIMARY KEY, "Unit Price" REAL);
