using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>The <c>merchant_endpoints</c> table.</summary>
public sealed class EndpointStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, merchant_id, url, description, event_types, enabled, disabled_reason, created_at, updated_at";

    private const string InsertSql = $"""
        INSERT INTO merchant_endpoints (id, merchant_id, url, secret, description, event_types)
        VALUES ($1, $2, $3, $4, $5, $6)
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
            updated_at = now()
        WHERE merchant_id = $1 AND id = $2
        RETURNING {Columns}
        """;

    private const string DeleteSql = "DELETE FROM merchant_endpoints WHERE merchant_id = $1 AND id = $2";

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

    private const string HealthSql = """
        SELECT ep.id, ep.merchant_id, ep.url, ep.enabled,
               count(*) FILTER (WHERE d.status IN ('pending', 'in_flight')),
               count(*) FILTER (WHERE d.status = 'delivered'),
               count(*) FILTER (WHERE d.status = 'dead'),
               max(d.updated_at) FILTER (WHERE d.attempt_count > 0),
               (array_agg(d.last_status_code ORDER BY d.updated_at DESC) FILTER (WHERE d.attempt_count > 0))[1]
        FROM merchant_endpoints ep
        LEFT JOIN deliveries d ON d.endpoint_id = ep.id
        WHERE ($1::text IS NULL OR ep.merchant_id = $1)
        GROUP BY ep.id
        ORDER BY ep.merchant_id, ep.created_at
        """;

    public async Task<MerchantEndpoint> CreateAsync(string merchantId, string url, string secret, string? description, IReadOnlyList<string>? eventTypes, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = description, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = eventTypes?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
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
    public async Task<MerchantEndpoint?> UpdateAsync(string merchantId, Guid id, string? url, string? description,
        bool setEventTypes, IReadOnlyList<string>? eventTypes, bool? enabled, string? disabledReason, CancellationToken cancellationToken = default)
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
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<bool> DeleteAsync(string merchantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = merchantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Disables an endpoint on the merchant's behalf (it answered 410 Gone).</summary>
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
            health.Add(new EndpointHealth(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8)));
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
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(7),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(8));
}
