#!/usr/bin/env bash
# PostgreSQL container initialisation (docker-compose.yml): runs once, as the image's superuser, on an empty data
# folder. Creates `sovsim`, the owner of the database (not a superuser), with SOVSIM_DB_PASSWORD, then applies
# schema.sql as that owner, so the tables and the stored queries belong to it alone. The password is read from the
# environment and passed on standard input, never on a command line.
set -euo pipefail
: "${SOVSIM_DB_PASSWORD:?SOVSIM_DB_PASSWORD must be set}"
psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\set pw `printenv SOVSIM_DB_PASSWORD`
CREATE ROLE sovsim LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw';
CREATE DATABASE sovsim OWNER sovsim;
REVOKE ALL ON DATABASE sovsim FROM PUBLIC;
SQL
# During initialisation the server listens on its socket only.
PGPASSWORD="$SOVSIM_DB_PASSWORD" psql -v ON_ERROR_STOP=1 -q -U sovsim -d sovsim -f /sovsim/schema.sql
