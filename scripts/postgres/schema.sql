-- SovereigntySim's PostgreSQL schema for Orleans' ADO.NET providers (clustering and grain storage).
-- The providers run the named queries stored in orleansquery; each query takes the providers' parameters
-- (@DeploymentId, @GrainIdHash, ...) and returns the columns they read. Written for this project from the
-- providers' query contract; idempotent, so it can be applied to an existing database.

-- Two silos applying the schema at once must not race on CREATE OR REPLACE: one at a time.
SELECT pg_advisory_lock(7470200);

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)   NOT NULL PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);

-- Membership: one version row per cluster (optimistic concurrency), one row per silo incarnation.
CREATE TABLE IF NOT EXISTS sovsim_membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    changed_at    timestamptz(3) NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS sovsim_membership
(
    deployment_id  varchar(150) NOT NULL REFERENCES sovsim_membership_version (deployment_id),
    address        varchar(45)  NOT NULL,
    port           integer      NOT NULL,
    generation     integer      NOT NULL,
    silo_name      varchar(150) NOT NULL,
    host_name      varchar(150) NOT NULL,
    status         integer      NOT NULL,
    proxy_port     integer      NULL,
    suspect_times  varchar(8000) NULL,
    start_time     timestamptz(3) NOT NULL,
    i_am_alive     timestamptz(3) NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Changes guarded by the cluster's version: the version row is locked first, so concurrent writers queue and
-- each sees the version the previous one left. Returns 1 if the change was made, 0 if the version was stale.
-- Locks the cluster's version row (held to the end of the transaction); true if it is still at the version read.
CREATE OR REPLACE FUNCTION sovsim_membership_at(p_deployment text, p_version int)
RETURNS boolean LANGUAGE sql AS $$
    SELECT coalesce((SELECT version = p_version FROM sovsim_membership_version
                      WHERE deployment_id = p_deployment FOR UPDATE), false);
$$;

CREATE OR REPLACE FUNCTION sovsim_membership_bump(p_deployment text)
RETURNS void LANGUAGE sql AS $$
    UPDATE sovsim_membership_version SET version = version + 1, changed_at = now() WHERE deployment_id = p_deployment;
$$;

CREATE OR REPLACE FUNCTION sovsim_membership_insert(
    p_deployment text, p_address text, p_port int, p_generation int, p_silo text, p_host text, p_status int,
    p_proxy int, p_start timestamptz, p_alive timestamptz, p_version int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    inserted int;
BEGIN
    IF NOT sovsim_membership_at(p_deployment, p_version) THEN
        RETURN 0;
    END IF;
    INSERT INTO sovsim_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                   start_time, i_am_alive)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo, p_host, p_status, p_proxy, p_start, p_alive)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 0 THEN
        RETURN 0;
    END IF;
    PERFORM sovsim_membership_bump(p_deployment);
    RETURN 1;
END $$;

CREATE OR REPLACE FUNCTION sovsim_membership_update(
    p_deployment text, p_address text, p_port int, p_generation int, p_status int, p_suspects text,
    p_alive timestamptz, p_version int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    updated int;
BEGIN
    IF NOT sovsim_membership_at(p_deployment, p_version) THEN
        RETURN 0;
    END IF;
    UPDATE sovsim_membership
       SET status = p_status, suspect_times = p_suspects, i_am_alive = p_alive
     WHERE deployment_id = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
    GET DIAGNOSTICS updated = ROW_COUNT;
    IF updated = 0 THEN
        RETURN 0;
    END IF;
    PERFORM sovsim_membership_bump(p_deployment);
    RETURN 1;
END $$;

-- The cluster's version with its silos (one silo when an address is given, all when it is NULL). The version row
-- comes back even when no silo matches: the providers read the version from it.
CREATE OR REPLACE FUNCTION sovsim_membership_read(p_deployment text, p_address text, p_port int, p_generation int)
RETURNS TABLE (DeploymentId varchar, Address varchar, Port int, Generation int, SiloName varchar, HostName varchar,
               Status int, ProxyPort int, SuspectTimes varchar, StartTime timestamptz, IAmAliveTime timestamptz, Version int)
LANGUAGE sql STABLE AS $$
    SELECT v.deployment_id, m.address, m.port, m.generation, m.silo_name, m.host_name, m.status, m.proxy_port,
           m.suspect_times, m.start_time, m.i_am_alive, v.version
      FROM sovsim_membership_version v
      LEFT JOIN sovsim_membership m ON m.deployment_id = v.deployment_id
           AND (p_address IS NULL OR (m.address = p_address AND m.port = p_port AND m.generation = p_generation))
     WHERE v.deployment_id = p_deployment;
$$;

-- Grain state, keyed by the providers' hashes and identity parts, stored as the provider's binary payload;
-- version counts writes (optimistic concurrency).
CREATE TABLE IF NOT EXISTS sovsim_grain_state
(
    grain_id_hash    integer      NOT NULL,
    grain_id_n0      bigint       NOT NULL,
    grain_id_n1      bigint       NOT NULL,
    grain_type_hash  integer      NOT NULL,
    grain_type       varchar(512) NOT NULL,
    grain_id_ext     varchar(512) NULL,
    service_id       varchar(150) NOT NULL,
    payload_binary   bytea        NULL,
    modified_on      timestamp    NOT NULL,
    version          integer      NULL
);
-- One row per grain state: a second first write conflicts instead of adding a duplicate (NULLS NOT DISTINCT: the
-- extension string is usually NULL).
CREATE UNIQUE INDEX IF NOT EXISTS sovsim_grain_state_key ON sovsim_grain_state
    (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_ext, service_id) NULLS NOT DISTINCT;

-- Writes a grain's state. A first write (no version yet) inserts; the unique key lets only one of two racing
-- activations succeed. Later writes must present the version they read. Returns the new version, or the version
-- given when nothing was written (the provider then reports an inconsistent state).
CREATE OR REPLACE FUNCTION sovsim_state_write(
    p_id_hash int, p_n0 bigint, p_n1 bigint, p_type_hash int, p_type text, p_ext text, p_service text,
    p_version int, p_binary bytea)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    changed int;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO sovsim_grain_state (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash, grain_type, grain_id_ext,
                                        service_id, payload_binary, modified_on, version)
        VALUES (p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_ext, p_service, p_binary, now() AT TIME ZONE 'utc', 1)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS changed = ROW_COUNT;
        RETURN CASE WHEN changed > 0 THEN 1 ELSE NULL END;
    END IF;
    UPDATE sovsim_grain_state s
       SET payload_binary = p_binary,
           modified_on = now() AT TIME ZONE 'utc', version = s.version + 1
     WHERE s.grain_id_hash = p_id_hash AND s.grain_type_hash = p_type_hash AND s.grain_id_n0 = p_n0
       AND s.grain_id_n1 = p_n1 AND s.grain_type = p_type AND s.grain_id_ext IS NOT DISTINCT FROM p_ext
       AND s.service_id = p_service AND s.version = p_version;
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN CASE WHEN changed > 0 THEN p_version + 1 ELSE p_version END;
END $$;

-- The named queries. Result column names are the ones the providers read.
INSERT INTO orleansquery (querykey, querytext) VALUES
('UpdateIAmAlivetimeKey',
 'UPDATE sovsim_membership SET i_am_alive = @IAmAliveTime
   WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;'),
('InsertMembershipVersionKey',
 'WITH added AS (INSERT INTO sovsim_membership_version (deployment_id) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
  SELECT count(*)::int FROM added;'),
('InsertMembershipKey',
 'SELECT sovsim_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                                  @StartTime, @IAmAliveTime, @Version);'),
('UpdateMembershipKey',
 'SELECT sovsim_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime,
                                  @Version);'),
('MembershipReadRowKey',
 'SELECT * FROM sovsim_membership_read(@DeploymentId, @Address, @Port, @Generation);'),
('MembershipReadAllKey',
 'SELECT * FROM sovsim_membership_read(@DeploymentId, NULL, NULL, NULL);'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM sovsim_membership WHERE deployment_id = @DeploymentId;
  DELETE FROM sovsim_membership_version WHERE deployment_id = @DeploymentId;'),
('GatewaysQueryKey',
 'SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
    FROM sovsim_membership
   WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;'),
-- Cleanup removes only dead silos (status 6) that stopped before the cut-off and are not under suspicion; the
-- per-entry form deletes one such row only if it is still exactly as the caller read it.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM sovsim_membership
   WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive < @IAmAliveTime AND start_time < @IAmAliveTime
     AND coalesce(suspect_times, '''') = '''';'),
('CleanupDefunctSiloEntryKey',
 'DELETE FROM sovsim_membership
   WHERE deployment_id = @DeploymentId AND status = 6 AND address = @Address AND port = @Port AND generation = @Generation
     AND i_am_alive = @IAmAliveTime AND start_time = @StartTime
     AND coalesce(suspect_times, '''') = coalesce(CAST(@SuspectTimes AS text), '''');'),
('WriteToStorageKey',
 'SELECT sovsim_state_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
                            @ServiceId, @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;'),
('ReadFromStorageKey',
 'SELECT payload_binary AS PayloadBinary, NULL::xml AS PayloadXml, NULL::text AS PayloadJson,
         (now() AT TIME ZONE ''utc'') AS ReadOn, version AS Version
    FROM sovsim_grain_state
   WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND grain_id_n0 = @GrainIdN0
     AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
     AND service_id = @ServiceId;'),
-- On a version mismatch the version given comes back unchanged, which the provider reports as a conflict.
('ClearStorageKey',
 'WITH cleared AS (
    UPDATE sovsim_grain_state
       SET payload_binary = NULL, version = version + 1
     WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND grain_id_n0 = @GrainIdN0
       AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
       AND service_id = @ServiceId AND version = @GrainStateVersion
    RETURNING version)
  SELECT coalesce((SELECT version FROM cleared), @GrainStateVersion) AS NewGrainStateVersion;')
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

-- Least privilege: only the owner (the role that applies this file; not a superuser) may read or change the tables,
-- above all the stored queries the silos execute.
REVOKE ALL ON orleansquery, sovsim_membership_version, sovsim_membership, sovsim_grain_state FROM PUBLIC;

SELECT pg_advisory_unlock(7470200);
