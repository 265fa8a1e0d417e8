using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebhookDispatcher.Bench.Reporting;

/// <summary>The report three ways: a table for the terminal, JSON for machines, a dated row for BENCHMARKS.md.</summary>
public static class BenchReportWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(BenchReport r)
    {
        var t = new StringBuilder();
        t.AppendLine(CultureInfo.InvariantCulture, $"Webhook Dispatcher bench, {r.Mode} run, {r.Date:yyyy-MM-dd HH:mm} UTC, {r.Machine.Cores} cores, load {r.Machine.LoadBefore} → {r.Machine.LoadAfter}, commit {r.Machine.Commit}");
        t.AppendLine();
        t.AppendLine("| scenario | result | ceiling | of ceiling | notes |");
        t.AppendLine("|---|---:|---:|---:|---|");
        var c = r.Ceilings;
        t.AppendLine(Row("receiver ceiling (HttpClient loop)", $"{N(c.ReceiverPerS)} req/s", "", "", $"{c.ReceiverConcurrency} connections, p50 {c.ReceiverLatency.P50Ms} ms, p99 {c.ReceiverLatency.P99Ms} ms"));
        foreach (var level in c.DatabaseSingle)
        {
            t.AppendLine(Row($"database, 1 event per commit, {level.Connections} conn", $"{N(level.EventsPerS)} ev/s", "", "", $"p50 {level.Latency.P50Ms} ms, p99 {level.Latency.P99Ms} ms; cores {Cores(level.CoresUsed)}"));
        }
        t.AppendLine(Row($"database ceiling, 1,000 events per INSERT, {c.DatabaseBatchClients} conn", $"{N(c.DatabaseBatchPerS)} ev/s", "", "", ""));
        foreach (var level in r.Ingest)
        {
            t.AppendLine(Row($"ingest POST /events, {level.Connections} conn", $"{N(level.EventsPerS)} ev/s", $"{N(level.CeilingPerS ?? 0)}", Pct(level.CeilingRatio ?? 0),
                $"p50 {level.Latency.P50Ms} ms, p99 {level.Latency.P99Ms} ms; {level.VerifiedStored:N0}/{level.Accepted:N0} acked found stored; {level.Failures} failed; cores {Cores(level.CoresUsed)}{Per(level.Cost, "event")}"));
        }
        var b = r.IngestBatch;
        t.AppendLine(Row($"ingest POST /events/batch ×{b.BatchSize}, {b.Clients} conn", $"{N(b.EventsPerS)} ev/s", N(b.CeilingPerS), Pct(b.CeilingRatio),
            $"p50 {b.Latency.P50Ms} ms per batch; {b.VerifiedStored:N0}/{b.Accepted:N0} acked found stored; cores {Cores(b.CoresUsed)}{Per(b.Cost, "event")}"));
        if (r.DrainDatabaseCeiling is { } dc)
        {
            t.AppendLine(Row($"database ceiling for the drain, claim + outcome SQL, {dc.Loops} loops", $"{N(dc.PerS)} del/s", "", "",
                $"{dc.Delivered:N0} delivered; claim of {dc.BatchSize} p50 {dc.Claim.P50Ms} ms, p99 {dc.Claim.P99Ms} ms; outcomes p50 {dc.Outcomes.P50Ms} ms, p99 {dc.Outcomes.P99Ms} ms{Per(dc.Cost, "delivery")}"));
        }
        foreach (var d in r.Drain)
        {
            t.AppendLine(DrainRow($"drain {d.Deliveries:N0}, {d.Workers} worker(s)", d, r));
        }
        if (r.History is { } h)
        {
            t.AppendLine(Row($"history: {N(h.HistoryDeliveries)} delivered deliveries", $"{N(h.TablesBytes / 1048576.0)} MiB", "", "", $"loaded in {h.LoadSeconds} s (INSERT … SELECT generate_series, then VACUUM ANALYZE)"));
            t.AppendLine(Row($"history: database ceiling for the drain", $"{N(h.Ceiling.PerS)} del/s", "", "",
                $"{Pct(h.CeilingRatio)} of empty tables' rate; claim p50 {h.Ceiling.Claim.P50Ms} ms, p99 {h.Ceiling.Claim.P99Ms} ms (**{h.ClaimP99Ratio}×** empty tables'); outcomes p99 {h.Ceiling.Outcomes.P99Ms} ms{Per(h.Ceiling.Cost, "delivery")}"));
            t.AppendLine(DrainRow($"history: drain {h.Drain.Deliveries:N0}, 1 worker (**{h.DrainRatio}×** the rate on empty tables)", h.Drain, r));
        }
        if (r.Retention is { } ret)
        {
            t.AppendLine(Row($"retention at {ret.OfferedPerS:N0}/s for {ret.DurationS:0} s, period {ret.PeriodS:0} s", $"{N(ret.LastThirdMaxBytes / 1048576.0)} MiB", "", "",
                $"{(ret.Bounded ? "bounded" : "GREW")}: tables + indexes at most {ret.MiddleThirdMaxBytes / 1048576.0:N1} MiB in the middle third, {ret.LastThirdMaxBytes / 1048576.0:N1} MiB in the last; {ret.Cycles} cycles removed {ret.Removed:N0} events; {ret.Arrived:N0}/{ret.Accepted:N0} arrived, {(ret.KeptUp ? "kept up" : "FELL BEHIND")}{Per(ret.Cost, "event")}"));
        }
        foreach (var e in r.EndToEnd)
        {
            t.AppendLine(Row($"end to end at {e.OfferedPerS:N0}/s for {e.DurationS:0} s", $"p50 {e.FromAck.P50Ms} ms, p99 {e.FromAck.P99Ms} ms", "", "",
                $"202→arrival p95 {e.FromAck.P95Ms}, max {e.FromAck.MaxMs} ms; POST→arrival p50 {e.FromPost.P50Ms}, p99 {e.FromPost.P99Ms} ms; " +
                $"{e.Arrived:N0}/{e.Acknowledged:N0} arrived ({e.ArrivedBeforeAck:N0} before their 202), {(e.KeptUp ? "kept up" : "FELL BEHIND")}; {e.TransactionsPerEvent} DB transactions per event; cores {Cores(e.CoresUsed)}{Per(e.Cost, "event")}"));
        }
        return t.ToString();
    }

    /// <summary>One line for the history table in BENCHMARKS.md.</summary>
    public static string MarkdownRow(BenchReport r)
    {
        var drains = string.Join(" / ", r.Drain.Select(d => N(d.PerS)));
        var e2e = string.Join("; ", r.EndToEnd.Select(e => $"{e.OfferedPerS}/s: {e.FromAck.P50Ms} / {e.FromAck.P99Ms}"));
        return $"| {r.Date:yyyy-MM-dd HH:mm} | {r.Mode} | {r.Machine.Commit} | {r.Machine.LoadBefore} → {r.Machine.LoadAfter} | " +
               $"{N(r.DrainPerS)} ({Pct(r.DrainCeilingRatio)} of {N(r.DrainCeilingPerS)}) | {drains} | " +
               $"{N(r.IngestPerS)} ({Pct(r.IngestCeilingRatio)}) | {N(r.IngestBatchPerS)} ({Pct(r.IngestBatchCeilingRatio)}) | {N(r.IngestCeilingPerS)} | {e2e} |";
    }

    public const string MarkdownHeader =
        "| date (UTC) | mode | commit | load 1/5/15 before → after | drain, 1 worker, del/s (of receiver ceiling) | drain by workers 1 / 2 / 4 | ingest ev/s (of DB ceiling) | batch ingest ev/s (of DB ceiling) | DB ingest ceiling ev/s | e2e 202→arrival p50 / p99 ms |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    /// <summary>Appends the row under the history table's header in BENCHMARKS.md, writing the header if it is not there.</summary>
    public static void AppendToMarkdown(string path, BenchReport r)
    {
        const string Marker = "<!-- bench history: rows appended by --append -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\n";
        if (!text.Contains(Marker, StringComparison.Ordinal))
        {
            text = text.TrimEnd() + "\n\n## History\n\n" + Marker + "\n\n" + MarkdownHeader + "\n";
        }
        var headerEnd = text.IndexOf(MarkdownHeader, text.IndexOf(Marker, StringComparison.Ordinal), StringComparison.Ordinal) + MarkdownHeader.Length;
        // After the last row of the table that follows the header.
        var insertAt = headerEnd;
        while (insertAt < text.Length - 1 && text[insertAt] == '\n' && text[insertAt + 1] == '|')
        {
            insertAt = text.IndexOf('\n', insertAt + 1) is var next and >= 0 ? next : text.Length;
        }
        text = text[..insertAt] + "\n" + MarkdownRow(r) + text[insertAt..];
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
    }

    private static string DrainRow(string name, DrainRun d, BenchReport r)
    {
        var row = Row(name, $"{N(d.PerS)} del/s", N(r.DrainCeilingPerS), Pct(d.CeilingRatio),
            $"{(d.DatabaseCeilingRatio > 0 ? $"{Pct(d.DatabaseCeilingRatio)} of the database's {N(r.DrainDatabaseCeilingPerS)}/s; " : "")}warm {N(d.WarmPerS)}/s{(d.WarmEngineCpuUsPerDelivery > 0 ? $" at {N(d.WarmEngineCpuUsPerDelivery)} µs engine CPU per delivery" : "")}; {d.WindowSeconds} s ({d.WallSeconds} s with start-up); {d.Delivered:N0} delivered, {d.Duplicates} dup; attempt p50 {d.AttemptP50Ms} ms, p99 {d.AttemptP99Ms} ms; " +
            $"backends waiting on locks {d.LockWaitingBackends}, on LWLocks {d.LWLockWaitingBackends} (mean of samples); cores {Cores(d.CoresUsed)}{Per(d.Cost, "delivery")}");
        return row;
    }

    /// <summary>A unit cost as the notes show it.</summary>
    private static string Per(UnitCost? cost, string unit) => cost is null ? "" : $"; per {unit}: {cost}";

    private static string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |";

    private static string N(double value) => value.ToString("N0", Invariant);

    private static string Pct(double ratio) => ratio <= 0 ? "" : (ratio * 100).ToString("0", Invariant) + "%";

    private static string Cores(IReadOnlyDictionary<string, double> cores) =>
        string.Join(", ", cores.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value.ToString("0.00", Invariant)}"));
}
