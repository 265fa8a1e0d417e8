-- Each payload's size in bytes, known without reading the payload: a claim adds up its deliveries' sizes to stay
-- within Dispatcher:MaxClaimBytes, so no backlog of large payloads can take a Worker out of memory (and, claimed again
-- after the restart, keep it crash-looping). Generated, so every way an event is written fills it, and adding it
-- measures the events already stored.
ALTER TABLE events ADD COLUMN payload_bytes integer GENERATED ALWAYS AS (octet_length(payload::text)) STORED;
