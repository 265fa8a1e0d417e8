using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The <c>merchant_endpoints</c> table. Signing secrets go in sealed (<see cref="SecretSealer"/>) and never come
/// out of this store: the Worker's claim reads them sealed and opens them itself.
/// </summary>
public sealed class EndpointStore(NpgsqlDataSource dataSource, SecretSealer sealer)
{
    private const string Columns = "id, merchant_id, url, description, event_types, enabled, disabled_reason, rate_limit_per_second, created_at, updated_at, legacy_signature";

    private const int ResealPageSize = 500;

    private const string InsertSql = $"""
        INSERT INTO merchant_endpoints (id, merchant_id, url, secret, description, event_types, rate_limit_per_second, legacy_signature)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        RETURNING {Columns}
        """;

    private const string ListSql = $"SELECT {Columns} FROM merchant_endpoints WHERE merchant_id = $1 ORDER BY created_at, id";

    private const string GetSql = $"SELECT {Columns} FROM merchant_endpoints WHERE merchant_id = $1 AND id = $2";

    // Each field changes only when given; enabling clears the reason it was disabled.
    private const string UpdateSql = $"""
        UPDATE merchant_endpoints SET
            url = COALESCE($3, url),
            description = COALESCE($4, description),
            event_types = CASE WHEN $5 THEN $6 ELSE event_types END,
            enabled = COALESCE($7, enabled),
            disabled_reason = CASE WHEN $7 IS NULL THEN disabled_reason WHEN $7 THEN NULL ELSE COALESCE($8, 'disabled by user') END,
            rate_limit_per_second = CASE WHEN $9 THEN $10 ELSE rate_limit_per_second END,
            legacy_signature = COALESCE($11, legacy_signature),
            updated_at = now()
        WHERE merchant_id = $1 AND id = $2
        RETURNING {Columns}
        """;

    // Its deliveries still waiting, and those a Worker holds, go dead with the reason. Left queued, the foreign key
    // would keep only the URL they were queued for, and they would be sent there signed with the platform's secret,
    // to a URL that may no longer be the merchant's. Clearing the lease fences out the outcome of an attempt in
    // flight, so it cannot put one back to pending. They stay dead: a retry by hand refuses them (409), a bulk retry
    // skips them (DeliveryStore.EndpointDeletedSql).
    private const string DeleteSql = """
        WITH gone AS (
            DELETE FROM merchant_endpoints WHERE merchant_id = $1 AND id = $2 RETURNING id
        ), waiting AS (
            UPDATE deliveries d SET status = 'dead', last_error = 'Not sent: the endpoint was deleted.',
                                    locked_by = NULL, locked_until = NULL, updated_at = now()
            FROM gone WHERE d.endpoint_id = gone.id AND d.status IN ('pending', 'in_flight')
        )
        SELECT count(*) FROM gone
        """;

    private const string DisableSql = """
        UPDATE merchant_endpoints SET enabled = false, disabled_reason = $2, updated_at = now()
        WHERE id = $1 AND enabled
        """;

    // The old secret keeps signing for the overlap ($4), so the merchant can deploy the new one without a gap; an
    // overlap of zero revokes it at once. There is one previous slot: a rotation inside the overlap of the one before
    // revokes that earlier secret now, and says so (earlier_live), rather than drop it unannounced. The row is locked
    // first so two rotations at once see each other. The sealed current secret moves to previous as it is: it is
    // sealed for the row, not the column.
    private const string RotateSql = $"""
        WITH before AS (
            SELECT id AS endpoint_id, previous_secret IS NOT NULL AND previous_secret_expires_at > now() AS earlier_live
            FROM merchant_endpoints WHERE merchant_id = $1 AND id = $2 FOR UPDATE
        )
        UPDATE merchant_endpoints ep SET
            previous_secret = CASE WHEN $4 > interval '0' THEN ep.secret END,
            previous_secret_expires_at = CASE WHEN $4 > interval '0' THEN now() + $4 END,
            secret = $3,
            updated_at = now()
        FROM before
        WHERE ep.id = before.endpoint_id
        RETURNING {Columns}, previous_secret_expires_at, earlier_live
        """;

    // The next page of rows with a value not yet under $2 (the active key's prefix, or 'v1:' to find plaintext only).
    // A previous secret past its overlap no longer signs and is not carried over: the re-seal erases it.
    private const string ResealPageSql = """
        SELECT id, secret, previous_secret, previous_secret_expires_at > now()
        FROM merchant_endpoints
        WHERE id > $1 AND (NOT starts_with(secret, $2) OR NOT starts_with(previous_secret, $2))
        ORDER BY id
        LIMIT $3
        """;

    // Only if the row still holds what was read: a rotation meanwhile has sealed its own values under the active key.
    private const string ResealRowSql = """
        UPDATE merchant_endpoints
        SET secret = $4, previous_secret = $5, previous_secret_expires_at = CASE WHEN $5 IS NULL THEN NULL ELSE previous_secret_expires_at END
        WHERE id = $1 AND secret = $2 AND previous_secret IS NOT DISTINCT FROM $3
        """;

    // The circuit's state is computed here as the operator sees it; target_states' own SQL is in TargetStateStore.
    private const string HealthSql = """
        SELECT ep.id, ep.merchant_id, ep.url, ep.enabled, ep.disabled_reason, ep.rate_limit_per_second,
               count(d.id) FILTER (WHERE d.status IN ('pending', 'in_flight')),
               count(d.id) FILTER (WHERE d.status = 'pending' AND d.next_attempt_at = 'infinity'),
               count(d.id) FILTER (WHERE d.status = 'delivered'),
               count(d.id) FILTER (WHERE d.status = 'dead'),
               max(d.updated_at) FILTER (WHERE d.attempt_count > 0),
               (array_agg(d.last_status_code ORDER BY d.updated_at DESC) FILTER (WHERE d.attempt_count > 0))[1],
               CASE WHEN ts.circuit_open_until IS NULL THEN 'closed' WHEN ts.circuit_open_until > now() THEN 'open' ELSE 'half_open' END,
               ts.circuit_open_until, COALESCE(ts.consecutive_failures, 0), ts.failing_since, ts.last_error
        FROM merchant_endpoints ep
        LEFT JOIN deliveries d ON d.endpoint_id = ep.id
        LEFT JOIN target_states ts ON ts.target_key = ep.id::text
        WHERE ($1::text IS NULL OR ep.merchant_id = $1)
        GROUP BY ep.id, ts.target_key
        ORDER BY ep.merchant_id, ep.created_at
        """;

    /// <param name="secret">The whsec_ secret as the merchant is shown it; it is stored sealed for the new row.</param>
    public async Task<MerchantEndpoint> CreateAsync(string merchantId, string url, string secret, string? description, IReadOnlyList<string>? eventTypes,
        int? rateLimitPerSecond = null, bool legacySignature = false, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sealer.Seal(secret, id) });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = description, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = eventTypes?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = rateLimitPerSecond, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = legacySignature });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    public async Task<IReadOnlyList<MerchantEndpoint>> ListAsync(string merchantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<MerchantEndpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(Read(reader));
        }
        return endpoints;
    }

    public async Task<MerchantEndpoint?> GetAsync(string merchantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(GetSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Applies <paramref name="change"/> to one of the merchant's endpoints; null when it has no such endpoint.</summary>
    public async Task<MerchantEndpoint?> UpdateAsync(string merchantId, Guid id, EndpointChange change, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = change.Url, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = change.Description, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = change.EventTypes is not null });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = change.EventTypes?.Value?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = change.Enabled, NpgsqlDbType = NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = change.DisabledReason, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = change.RateLimitPerSecond is not null });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = change.RateLimitPerSecond?.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = change.LegacySignature, NpgsqlDbType = NpgsqlDbType.Boolean });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<bool> DeleteAsync(string merchantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    /// <summary>Disables an endpoint on the merchant's behalf (it answered 410 Gone, or failed for too long).</summary>
    public async Task<bool> DisableAsync(Guid id, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DisableSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Replaces the endpoint's secret with <paramref name="newSecret"/> (sealed); null when there is no such endpoint.</summary>
    /// <param name="overlap">How long the secret replaced keeps signing beside the new one; zero revokes it now.</param>
    public async Task<SecretRotation?> RotateSecretAsync(string merchantId, Guid id, string newSecret, TimeSpan overlap, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RotateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sealer.Seal(newSecret, id) });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = overlap });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new SecretRotation(
            Read(reader),
            PreviousSecretExpiresAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            EarlierSecretRevoked: reader.GetBoolean(12));
    }

    /// <summary>
    /// Seals every stored secret under the active key: those sealed under an older key, and plaintext from before
    /// sealing. With <paramref name="plaintextOnly"/>, only rows still holding plaintext (what the Api does at
    /// start-up, so an upgrade leaves nothing in the clear without waiting for an operator). Rows are read a page at
    /// a time in id order and each is written only if unchanged since, so it runs safely beside rotations and other
    /// re-seals.
    /// </summary>
    public async Task<SecretReseal> ResealAsync(bool plaintextOnly = false, CancellationToken cancellationToken = default)
    {
        if (!sealer.CanSeal)
        {
            return new SecretReseal(null, 0, []);
        }
        var prefix = plaintextOnly ? SecretSealer.FormatPrefix : sealer.ActivePrefix;
        var resealed = 0;
        var unreadable = new List<Guid>();
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<(Guid Id, string Secret, string? Previous, bool PreviousLive)>(ResealPageSize);
            await using (var command = dataSource.CreateCommand(ResealPageSql))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = after });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ResealPageSize });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), !reader.IsDBNull(3) && reader.GetBoolean(3)));
                }
            }
            foreach (var row in page)
            {
                string secret;
                string? previous;
                try
                {
                    secret = sealer.Seal(sealer.Unseal(row.Secret, row.Id), row.Id);
                    previous = row.Previous is not null && row.PreviousLive ? sealer.Seal(sealer.Unseal(row.Previous, row.Id), row.Id) : null;
                }
                catch (SecretUnsealException)
                {
                    unreadable.Add(row.Id);
                    continue;
                }
                await using var update = dataSource.CreateCommand(ResealRowSql);
                update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = row.Id });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Secret });
                update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Previous, NpgsqlDbType = NpgsqlDbType.Text });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
                update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = previous, NpgsqlDbType = NpgsqlDbType.Text });
                resealed += await update.ExecuteNonQueryAsync(cancellationToken);
            }
            if (page.Count < ResealPageSize)
            {
                return new SecretReseal(sealer.ActiveKeyId, resealed, unreadable);
            }
            after = page[^1].Id;
        }
    }

    public async Task<IReadOnlyList<EndpointHealth>> HealthAsync(string? merchantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(HealthSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = merchantId, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var health = new List<EndpointHealth>();
        while (await reader.ReadAsync(cancellationToken))
        {
            health.Add(new EndpointHealth(
                EndpointId: reader.GetGuid(0),
                MerchantId: reader.GetString(1),
                Url: reader.GetString(2),
                Enabled: reader.GetBoolean(3),
                DisabledReason: reader.IsDBNull(4) ? null : reader.GetString(4),
                RateLimitPerSecond: reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Pending: reader.GetInt64(6),
                Held: reader.GetInt64(7),
                Delivered: reader.GetInt64(8),
                Dead: reader.GetInt64(9),
                LastAttemptAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                LastStatusCode: reader.IsDBNull(11) ? null : reader.GetInt32(11),
                Circuit: new EndpointCircuit(
                    State: reader.GetString(12),
                    OpenUntil: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                    ConsecutiveFailures: reader.GetInt32(14),
                    FailingSince: reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
                    LastError: reader.IsDBNull(16) ? null : reader.GetString(16))));
        }
        return health;
    }

    private static MerchantEndpoint Read(DbDataReader reader) => new(
        Id: reader.GetGuid(0),
        MerchantId: reader.GetString(1),
        Url: reader.GetString(2),
        Description: reader.IsDBNull(3) ? null : reader.GetString(3),
        EventTypes: reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4),
        Enabled: reader.GetBoolean(5),
        DisabledReason: reader.IsDBNull(6) ? null : reader.GetString(6),
        RateLimitPerSecond: reader.IsDBNull(7) ? null : reader.GetInt32(7),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(8),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(9),
        LegacySignature: reader.GetBoolean(10));
}
