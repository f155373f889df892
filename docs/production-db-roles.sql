-- issou on PostgreSQL in production: two database roles, so that the application cannot empty,
-- change or unprotect its own audit trail.
--
--   issou_owner  owns the database and its tables; runs `manage.py migrate` (DATABASE_URL of the
--                deploy step). Only the owner can drop or disable the audit triggers.
--   issou_app    what the web server and the worker connect as (DATABASE_URL of the services): it
--                reads and writes business data, and may only read and add audit rows.
--
-- Run this as issou_owner once after creating the roles, and again after each deployment that
-- adds tables (the default privileges below cover tables the owner creates later).
-- `psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f docs/production-db-roles.sql`

GRANT USAGE ON SCHEMA public TO issou_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO issou_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO issou_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO issou_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO issou_app;

-- The audit trail: read and append only. UPDATE, DELETE and TRUNCATE are also refused by the
-- triggers of audit migrations 0003 and 0006, which only the owner could drop.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditentry FROM issou_app;
