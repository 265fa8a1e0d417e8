using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// Plans for the hot statements (claim, outcomes, next-due, ingest) that hold whatever the statistics say and
/// whenever a plan was made. The tables are a queue: they go from empty to a backlog of 100,000 in seconds, faster
/// than autovacuum's ANALYZE follows (it waits for a tenth of the rows to change, then for its next nap). On a
/// backlog planned with the statistics of nearly empty tables (what each cost is in BENCHMARKS.md, "Why the code is
/// shaped as it is"):
/// <list type="bullet">
/// <item>a custom plan bitmap-scans and sorts every due row to claim a few;</item>
/// <item>a generic plan, which auto-prepare keeps for the connection's life once a statement has run five times,
/// made while the tables were empty, scans them for every row claimed;</item>
/// <item>the outcome batch reads every due row, then joins its outcomes to the rows by a nested loop that rescans
/// one side for each row of the other;</item>
/// <item>the ingest's read-back scans <c>deliveries</c> comparing each row with the batch's event ids, growing with
/// the table, and its plan, costed high, is JIT-compiled, which takes far longer than the statement runs.</item>
/// </list>
/// So each runs after one of these, in the same implicit transaction (a batch, one round trip): sequential scans,
/// bitmap scans and sorts disabled, which leaves the keyed index paths, and no JIT; and a plan made once per
/// connection. The statements are written so that a keyed path exists: their rows come by primary key, or by an
/// index whose first column they give, and the claim's lookups of each row's partners are lateral subqueries that
/// cannot be turned inside out. The settings end with the transaction (set_config's is_local), so a connection goes
/// back to the pool as it came.
/// </summary>
internal static class StablePlans
{
    private const string KeyedPathsSql = """
        SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
               set_config('enable_sort', 'off', true), set_config('jit', 'off', true)
        """;

    /// <summary>
    /// The keyed paths, planned once per connection (a generic plan): these statements' shape holds whatever the
    /// sizes, so a plan made for each execution only costs. Left to itself the plan cache keeps making custom plans
    /// for a single event's ingest, whose one-element arrays always look cheaper planned afresh, and the planning
    /// outweighs the insert. Custom plans also re-plan the foreign-key checks' own statements for every row written
    /// (the outcome's attempt rows), and planning is most of a small claim's cost.
    /// </summary>
    public const string Sql = KeyedPathsSql + ", set_config('plan_cache_mode', 'force_generic_plan', true)";

    /// <summary>
    /// And no nested loop: for a statement that joins a batch of parameter rows to the table rows they key (the
    /// outcome batch), which a hash join does in one pass each, whatever either side was estimated at.
    /// </summary>
    public const string HashJoinsSql = Sql + ", set_config('enable_nestloop', 'off', true)";

    public static NpgsqlBatchCommand Command(string sql = Sql) => new(sql);
}
