using System.Data.Common;
using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// What more than one store needs to talk to PostgreSQL: a batch command with its parameters, and the readers of the
/// rows two stores return alike (a delivery and its attempts, read by the queries over deliveries and over events).
/// </summary>
internal static class Sql
{
    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Reads rows of <c>DeliveryStore.DeliveryColumns</c>, without their attempts.</summary>
    public static async Task<List<DeliveryDetails>> ReadDeliveriesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var deliveries = new List<DeliveryDetails>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new DeliveryDetails(
                Id: reader.GetInt64(0),
                EventId: reader.GetGuid(1),
                EndpointId: reader.IsDBNull(2) ? null : reader.GetGuid(2),
                TargetUrl: reader.IsDBNull(3) ? null : reader.GetString(3),
                Status: reader.GetString(4),
                AttemptCount: reader.GetInt32(5),
                NextAttemptAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                LastStatusCode: reader.IsDBNull(7) ? null : reader.GetInt32(7),
                LastError: reader.IsDBNull(8) ? null : reader.GetString(8),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(9),
                DeliveredAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                Attempts: [])
            {
                EndpointDeleted = reader.GetBoolean(11),
            });
        }
        return deliveries;
    }

    /// <summary>Reads attempt rows (delivery id first), grouped by delivery in the order read.</summary>
    public static async Task<Dictionary<long, List<DeliveryAttempt>>> ReadAttemptsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<long, List<DeliveryAttempt>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var deliveryId = reader.GetInt64(0);
            if (!attempts.TryGetValue(deliveryId, out var list))
            {
                attempts[deliveryId] = list = [];
            }
            list.Add(new DeliveryAttempt(
                AttemptNumber: reader.GetInt32(1),
                StartedAt: reader.GetFieldValue<DateTimeOffset>(2),
                DurationMs: reader.GetDouble(3),
                StatusCode: reader.IsDBNull(4) ? null : reader.GetInt32(4),
                Error: reader.IsDBNull(5) ? null : reader.GetString(5),
                WorkerId: reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return attempts;
    }
}
