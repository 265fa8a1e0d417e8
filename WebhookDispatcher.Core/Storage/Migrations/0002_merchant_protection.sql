-- A merchant's cap in requests per second, held by all Workers together; NULL means no cap.
ALTER TABLE merchant_endpoints ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second BETWEEN 1 AND 100000);

-- What all Workers share about one target: its pace (the rate limit) and its circuit. The key is the endpoint's id,
-- or 'url:' and the URL for ad-hoc targets and the default target. A row exists only for a target that is limited
-- or has failed; a healthy, unlimited target costs no write here.
CREATE TABLE target_states (
    target_key           text PRIMARY KEY,
    endpoint_id          uuid REFERENCES merchant_endpoints (id) ON DELETE CASCADE,
    -- The pace (GCRA): no request to this target may start before this time. Workers reserve slots by moving it on.
    next_send_at         timestamptz NOT NULL DEFAULT now(),
    -- Deliveries beyond the slots taken are put back due one slot apart from here, so a backlog comes due at the
    -- rate it can go instead of all at once; the cursor moves on past them.
    deferred_until       timestamptz NOT NULL DEFAULT now(),
    -- The rate the last reservation used, for the operator's view.
    rate_per_second      double precision,
    -- The circuit: failures in a row, and since when every attempt has failed (auto-disable counts from here).
    consecutive_failures integer     NOT NULL DEFAULT 0,
    failing_since        timestamptz,
    last_error           text,
    -- NULL: closed. In the future: open, deliveries wait until then. In the past: half-open, one probe may go.
    circuit_open_until   timestamptz,
    circuit_opened_at    timestamptz,
    -- While a half-open probe is out, no other Worker sends one.
    probe_until          timestamptz,
    -- Its streak was reset by hand (the endpoint enabled again): the next success is still counted, so the alert
    -- raised while it failed is resolved by a delivery, not by the click.
    awaiting_success     boolean     NOT NULL DEFAULT false,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX target_states_endpoint ON target_states (endpoint_id) WHERE endpoint_id IS NOT NULL;
