using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>The <c>merchant_endpoints</c> table.</summary>
public sealed class EndpointStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, merchant_id, url, description, event_types, enabled, disabled_reason, rate_limit_per_second, created_at, updated_at";

    private const string InsertSql = $"""
        INSERT INTO merchant_endpoints (id, merchant_id, url, secret, description, event_types, rate_limit_per_second)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
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

    // The old secret keeps signing for the grace period, so the merchant can deploy the new one without a gap.
    private const string RotateSql = """
        UPDATE merchant_endpoints
        SET previous_secret = secret, previous_secret_expires_at = now() + $4, secret = $3, updated_at = now()
        WHERE merchant_id = $1 AND id = $2
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

    public async Task<MerchantEndpoint> CreateAsync(string merchantId, string url, string secret, string? description, IReadOnlyList<string>? eventTypes,
        int? rateLimitPerSecond = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = description, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = eventTypes?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = rateLimitPerSecond, NpgsqlDbType = NpgsqlDbType.Integer });
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

    /// <param name="setEventTypes">True to replace the subscription with <paramref name="eventTypes"/> (null: every type).</param>
    /// <param name="setRateLimit">True to replace the rate limit with <paramref name="rateLimitPerSecond"/> (null: none).</param>
    public async Task<MerchantEndpoint?> UpdateAsync(string merchantId, Guid id, string? url, string? description,
        bool setEventTypes, IReadOnlyList<string>? eventTypes, bool? enabled, string? disabledReason,
        bool setRateLimit = false, int? rateLimitPerSecond = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = url, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = description, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = setEventTypes });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = eventTypes?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = enabled, NpgsqlDbType = NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = disabledReason, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = setRateLimit });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = rateLimitPerSecond, NpgsqlDbType = NpgsqlDbType.Integer });
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

    public async Task<bool> RotateSecretAsync(string merchantId, Guid id, string newSecret, TimeSpan overlap, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RotateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = newSecret });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = overlap });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
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
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(9));
}
