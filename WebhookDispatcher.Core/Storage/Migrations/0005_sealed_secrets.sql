-- The seeds' X-Signature (an HMAC of the body alone, with no timestamp) can be replayed forever, so it is now sent
-- only to endpoints that ask for it. Endpoints registered before this migration were sent it, and their receivers
-- may check it: they keep it (true), and endpoints registered from now on do not get it unless asked (false).
ALTER TABLE merchant_endpoints ADD COLUMN legacy_signature boolean NOT NULL DEFAULT true;
ALTER TABLE merchant_endpoints ALTER COLUMN legacy_signature SET DEFAULT false;

-- secret and previous_secret now hold sealed values ('v1:<key id>:<base64>', SecretSealer) in the same text
-- columns. Rows from before stay plaintext and are read as such until the Api seals them at start-up (or the
-- re-seal command does), so no row is rewritten here and no key is needed to migrate.
COMMENT ON COLUMN merchant_endpoints.secret IS 'Sealed with AES-256-GCM: v1:<key id>:<base64 nonce|ciphertext|tag>; plaintext whsec_ only before the first re-seal.';
COMMENT ON COLUMN merchant_endpoints.previous_secret IS 'Sealed like secret.';
