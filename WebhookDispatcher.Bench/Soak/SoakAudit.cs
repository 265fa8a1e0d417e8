using Npgsql;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>
/// The soak's verdict on every acknowledged event, from the database and from what the merchant accepted.
/// An acknowledged event is lost when it is not stored, never finished (not delivered nor dead), or recorded
/// delivered though the merchant never accepted it.
/// </summary>
public static class SoakAudit
{
    public sealed record Result(
        long Acknowledged,
        long Delivered,
        long Dead,
        long Lost,
        IReadOnlyList<string> LostExamples,
        long AttemptsMissing,
        long Duplicates,
        IReadOnlyDictionary<string, long> DuplicateCauses,
        long StuckInFlight,
        long UnacknowledgedStored,
        long DeadNeverAccepted);

    private const string PerEventSql = """
        SELECT k.id, e.id IS NOT NULL, d.status, d.attempt_count,
               (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id),
               (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.status_code BETWEEN 200 AND 299)
        FROM unnest($1::uuid[]) AS k (id)
        LEFT JOIN events e ON e.id = k.id
        LEFT JOIN deliveries d ON d.event_id = k.id
        """;

    public static async Task<Result> RunAsync(NpgsqlDataSource database, IReadOnlyCollection<Guid> acknowledged,
        IReadOnlyDictionary<string, int> accepted, CancellationToken cancellationToken)
    {
        long delivered = 0, dead = 0, attemptsMissing = 0, deadNeverAccepted = 0;
        var lost = new List<string>();
        var causes = new Dictionary<string, long>();
        var seen = new HashSet<Guid>();

        await using (var command = database.CreateCommand(PerEventSql))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. acknowledged] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                var stored = reader.GetBoolean(1);
                var status = reader.IsDBNull(2) ? null : reader.GetString(2);
                var attemptCount = reader.IsDBNull(3) ? 0 : reader.GetInt32(3);
                var attemptRows = reader.GetInt64(4);
                var successes = reader.GetInt64(5);
                var acceptedTimes = accepted.GetValueOrDefault(id.ToString());
                seen.Add(id);

                if (!stored)
                {
                    lost.Add($"{id}: acknowledged but not stored");
                    continue;
                }
                switch (status)
                {
                    case "delivered" when acceptedTimes == 0:
                        lost.Add($"{id}: recorded delivered, but the merchant never accepted it");
                        continue;
                    case "delivered":
                        delivered++;
                        if (successes == 0)
                        {
                            attemptsMissing++;
                        }
                        break;
                    case "dead":
                        dead++;
                        if (attemptRows == 0 && attemptCount > 0)
                        {
                            attemptsMissing++;
                        }
                        if (acceptedTimes == 0)
                        {
                            deadNeverAccepted++;
                        }
                        break;
                    default:
                        lost.Add($"{id}: still {status ?? "without a delivery"} after the system settled");
                        continue;
                }

                if (acceptedTimes > 1)
                {
                    // Each acceptance the engine did not record as a 2xx was a send whose answer never got written:
                    // its Worker died, or the outcome was lost, between the merchant's 2xx and the record.
                    var unrecorded = Math.Max(0, acceptedTimes - successes);
                    var cause = unrecorded > 0
                        ? "accepted but not recorded (Worker killed or outcome unwritten between the 2xx and the record; the lease expired and it was sent again)"
                        : "recorded twice (a lease ran out while the first outcome waited to be written)";
                    causes[cause] = causes.GetValueOrDefault(cause) + acceptedTimes - 1;
                }
            }
        }

        var duplicates = acknowledged.Sum(id => (long)Math.Max(0, accepted.GetValueOrDefault(id.ToString()) - 1));
        var stuck = await ScalarAsync(database, "SELECT count(*) FROM deliveries WHERE status = 'in_flight' AND locked_until < now()", cancellationToken);
        var storedEvents = await ScalarAsync(database, "SELECT count(*) FROM events", cancellationToken);
        return new Result(acknowledged.Count, delivered, dead, lost.Count, [.. lost.Take(20)], attemptsMissing, duplicates, causes,
            stuck, Math.Max(0, storedEvents - acknowledged.Count), deadNeverAccepted);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
