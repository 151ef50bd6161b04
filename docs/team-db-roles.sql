-- Least-privilege PostgreSQL roles for a shared Baton database.
-- Run as a superuser, connected to the Baton database (e.g. `psql -d baton -f ...`).
-- Change the passwords, and require TLS in pg_hba.conf (hostssl ... scram-sha-256).

-- baton_owner owns the tables: only `baton db upgrade` connects as it.
CREATE ROLE baton_owner LOGIN PASSWORD 'change-me-owner';
-- baton_app is what every desktop and `baton worker` connects as: it reads and writes
-- rows, and can neither change nor drop the schema.
CREATE ROLE baton_app LOGIN PASSWORD 'change-me-app';

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO baton_owner;
GRANT USAGE ON SCHEMA public TO baton_app;
-- Tables and sequences baton_owner creates now and in later migrations:
ALTER DEFAULT PRIVILEGES FOR ROLE baton_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO baton_app;
ALTER DEFAULT PRIVILEGES FOR ROLE baton_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO baton_app;

-- after the first `baton db upgrade --db postgresql://baton_owner@HOST/baton`:
-- The event log is append-only: the engine never rewrites history, so the app may not.
REVOKE UPDATE, DELETE ON events FROM baton_app;
