-- Merchant endpoints: where a merchant's events go, and the secret they are signed with.
CREATE TABLE merchant_endpoints (
    id                         uuid PRIMARY KEY,
    merchant_id                text        NOT NULL,
    url                        text        NOT NULL,
    secret                     text        NOT NULL,
    -- While a secret is rotated the old one keeps signing too, so merchants can switch without dropping events.
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    description                text,
    -- NULL subscribes to every event type.
    event_types                text[],
    enabled                    boolean     NOT NULL DEFAULT true,
    disabled_reason            text,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX merchant_endpoints_merchant ON merchant_endpoints (merchant_id);

-- Events: what the producer sent, exactly as sent (json keeps the text, jsonb would reorder it).
CREATE TABLE events (
    id              uuid PRIMARY KEY,
    merchant_id     text        NOT NULL,
    type            text        NOT NULL,
    payload         json        NOT NULL,
    idempotency_key text,
    -- An ad-hoc target (the seed's {target_url, payload} shape); NULL means the merchant's endpoints.
    target_url      text,
    traceparent     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_idempotency UNIQUE (merchant_id, idempotency_key)
);
CREATE INDEX events_created ON events (created_at DESC);
CREATE INDEX events_merchant_created ON events (merchant_id, created_at DESC);

-- Deliveries: one per event and target. This table is the queue.
CREATE TABLE deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    endpoint_id      uuid        REFERENCES merchant_endpoints (id) ON DELETE SET NULL,
    -- NULL means the Worker's Dispatcher:DefaultTargetUrl.
    target_url       text,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
    attempt_count    integer     NOT NULL DEFAULT 0,
    -- A retry by hand starts a fresh budget of attempts from here.
    retry_base       integer     NOT NULL DEFAULT 0,
    -- For pending rows: when the next attempt is due. For in_flight rows: when the lease ends,
    -- so one condition (next_attempt_at <= now()) finds due work and work of a dead worker alike.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    locked_by        text,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
-- Serves the claim query and the earliest-due lookup; delivered and dead rows never enter it.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'in_flight');
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id) WHERE endpoint_id IS NOT NULL;
CREATE INDEX deliveries_dead ON deliveries (updated_at DESC) WHERE status = 'dead';

-- Delivery attempts: one row per try, written by the Worker in batches.
CREATE TABLE delivery_attempts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id    bigint           NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt_number integer          NOT NULL,
    started_at     timestamptz      NOT NULL,
    duration_ms    double precision NOT NULL,
    status_code    integer,
    error          text,
    worker_id      text
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);
