-- Migration 1: Conduit's runs, attempts, check results, run processes and run events.
-- Records are kept as JSON (the RunRecord / AttemptRecord wire form) beside the columns that are queried.
CREATE TABLE conduit_runs (
    run_id text PRIMARY KEY,
    project_id text NOT NULL,
    policy_id text NOT NULL,
    status text NOT NULL,
    runner_provider text,
    idempotency_key text,
    external_ref text,
    created_at timestamptz NOT NULL,
    seq bigserial NOT NULL,
    owner_node text,
    cancel_requested boolean NOT NULL DEFAULT false,
    record_json text NOT NULL);
CREATE UNIQUE INDEX conduit_runs_idempotency ON conduit_runs(idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX conduit_runs_external_ref ON conduit_runs(project_id, policy_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX conduit_runs_status ON conduit_runs(status, seq);
CREATE INDEX conduit_runs_owner ON conduit_runs(owner_node) WHERE status = 'running';
CREATE TABLE conduit_attempts (
    run_id text NOT NULL REFERENCES conduit_runs(run_id) ON DELETE CASCADE,
    attempt_index integer NOT NULL,
    status text NOT NULL,
    owner_node text,
    record_json text NOT NULL,
    PRIMARY KEY (run_id, attempt_index));
CREATE TABLE conduit_check_results (
    run_id text NOT NULL,
    attempt_index integer NOT NULL,
    check_order integer NOT NULL,
    name text NOT NULL,
    passed boolean NOT NULL,
    exit_code integer,
    record_json text NOT NULL,
    PRIMARY KEY (run_id, attempt_index, check_order));
CREATE TABLE conduit_run_processes (
    run_id text NOT NULL,
    pid integer NOT NULL,
    pgid integer NOT NULL,
    start_time bigint NOT NULL,
    kind text NOT NULL,
    owner_node text NOT NULL,
    PRIMARY KEY (run_id, owner_node, pid));
CREATE TABLE conduit_run_events (
    run_id text NOT NULL,
    seq bigint NOT NULL,
    type text NOT NULL,
    node text NOT NULL,
    event_json text NOT NULL,
    PRIMARY KEY (run_id, seq));
