-- On-call alerts: one row per incident on a target (an endpoint, or an ad-hoc or default target URL).
CREATE TABLE alerts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The endpoint id as text, or 'url:' || the target URL.
    target_key  text        NOT NULL,
    endpoint_id uuid,
    merchant_id text,
    target_url  text        NOT NULL,
    -- Every trigger kind seen while the alert fired, in the order first seen.
    kinds       text[]      NOT NULL,
    summary     text        NOT NULL,
    -- The latest detail (error) any of its triggers carried.
    detail      text,
    raised_at   timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
-- At most one firing alert per target: two Workers raising at once meet here, and one merges into the other's.
-- It also serves resolving, which looks up firing alerts by key and must cost nothing when there are none.
CREATE UNIQUE INDEX alerts_firing ON alerts (target_key) WHERE resolved_at IS NULL;
-- The cooldown's look-up of a target's recent alerts.
CREATE INDEX alerts_target_raised ON alerts (target_key, raised_at DESC);
CREATE INDEX alerts_raised ON alerts (raised_at DESC);

-- What is to be told about each alert, per channel: the outbox the Workers' alert dispatchers send from.
CREATE TABLE alert_notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id        bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    -- The alert's, so the order per target and channel is one index away.
    target_key      text        NOT NULL,
    channel         text        NOT NULL CHECK (channel IN ('slack', 'pagerduty')),
    action          text        NOT NULL CHECK (action IN ('trigger', 'resolve')),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- For an unclaimed row: when the next send is due. For a claimed one: when its lease ends.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_by       text,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT alert_notifications_once UNIQUE (alert_id, channel, action)
);
CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at) WHERE status = 'pending';
-- "Is an earlier one for this target and channel still unsent?", asked for each due row a claim considers.
CREATE INDEX alert_notifications_order ON alert_notifications (target_key, channel, id) WHERE status = 'pending';
