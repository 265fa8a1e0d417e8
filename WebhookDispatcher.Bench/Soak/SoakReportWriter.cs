using System.Globalization;
using System.Text;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>The soak's report for the terminal, and as a dated row for RELIABILITY.md.</summary>
public static class SoakReportWriter
{
    public static string Table(SoakReport r)
    {
        var t = new StringBuilder();
        t.AppendLine(CultureInfo.InvariantCulture, $"Chaos soak, {r.Mode} run, seed {r.Seed}, {r.Date:yyyy-MM-dd HH:mm} UTC, load {r.Machine.LoadBefore} → {r.Machine.LoadAfter}, commit {r.Machine.Commit}");
        t.AppendLine();
        t.AppendLine("| what | count |");
        t.AppendLine("|---|---:|");
        t.AppendLine(CultureInfo.InvariantCulture, $"| events submitted | {r.Submitted:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| acknowledged with 202 | {r.Acknowledged:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| delivered | {r.Delivered:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| dead (attempts used up; kept, retryable) | {r.Dead:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| **lost** | **{r.Lost:N0}** |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| duplicate deliveries (merchant accepted a webhook-id again) | {r.Duplicates:N0} |");
        foreach (var (cause, count) in r.DuplicateCauses)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"| … {cause} | {count:N0} |");
        }
        t.AppendLine(CultureInfo.InvariantCulture, $"| stuck in_flight past its lease | {r.StuckInFlight:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| finished without its attempts recorded | {r.AttemptsMissing:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| stored but never acknowledged (Api killed before answering; delivered all the same) | {r.UnacknowledgedStored:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| submissions sent again (no 202 at the first try) | {r.SubmissionsRetried:N0} |");
        t.AppendLine(CultureInfo.InvariantCulture, $"| receiver: received / accepted / failed on purpose / timed out / bad signature | {r.ReceiverStats.GetValueOrDefault("received"):N0} / {r.ReceiverStats.GetValueOrDefault("accepted"):N0} / {r.ReceiverStats.GetValueOrDefault("failed"):N0} / {r.ReceiverStats.GetValueOrDefault("timedOut"):N0} / {r.ReceiverStats.GetValueOrDefault("badSignatures"):N0} |");
        t.AppendLine();
        t.AppendLine("| at (s) | fault | down (s) | recovered after (s) |");
        t.AppendLine("|---:|---|---:|---:|");
        foreach (var f in r.FaultLog)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"| {f.AtS:0.0} | {f.Detail} | {f.DownS:0.0} | {(f.RecoveryS is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "not within 60 s")} |");
        }
        t.AppendLine();
        t.AppendLine(CultureInfo.InvariantCulture, $"Submitting took {r.SubmitS:0} s, settling {r.SettleS:0} s more; {r.ElapsedS:0} s in all.");
        foreach (var example in r.LostExamples)
        {
            t.AppendLine("LOST: " + example);
        }
        return t.ToString();
    }

    public const string MarkdownHeader =
        "| date (UTC) | mode | seed | commit | load before → after | acknowledged | delivered | dead | lost | duplicates | faults | slowest recovery (s) | time (s) |\n" +
        "|---|---|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|";

    public static void AppendToMarkdown(string path, SoakReport r)
    {
        const string Marker = "<!-- soak history: rows appended by soak --append -->";
        var faults = string.Join(", ", r.Faults.Select(f => $"{f.Key} ×{f.Value}"));
        var slowest = r.FaultLog.Select(f => f.RecoveryS ?? double.NaN).DefaultIfEmpty(0).Max();
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {r.Date:yyyy-MM-dd HH:mm} | {r.Mode} | {r.Seed} | {r.Machine.Commit} | {r.Machine.LoadBefore} → {r.Machine.LoadAfter} | {r.Acknowledged:N0} | {r.Delivered:N0} | {r.Dead:N0} | {r.Lost:N0} | {r.Duplicates:N0} | {faults} | {slowest:0.0} | {r.ElapsedS:0} |");
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Reliability\n\n";
        if (!text.Contains(Marker, StringComparison.Ordinal))
        {
            text = text.TrimEnd() + "\n\n## Soak history\n\n" + Marker + "\n\n" + MarkdownHeader + "\n";
        }
        var headerEnd = text.IndexOf(MarkdownHeader, text.IndexOf(Marker, StringComparison.Ordinal), StringComparison.Ordinal) + MarkdownHeader.Length;
        var insertAt = headerEnd;
        while (insertAt < text.Length - 1 && text[insertAt] == '\n' && text[insertAt + 1] == '|')
        {
            insertAt = text.IndexOf('\n', insertAt + 1) is var next and >= 0 ? next : text.Length;
        }
        text = text[..insertAt] + "\n" + row + text[insertAt..];
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
    }
}
