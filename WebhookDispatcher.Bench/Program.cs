using System.Text.Json;
using WebhookDispatcher.Bench;
using WebhookDispatcher.Bench.Reporting;
using WebhookDispatcher.Bench.Scenarios;
using WebhookDispatcher.Bench.Soak;

// dotnet run -c Release --project WebhookDispatcher.Bench -- [--quick] [--json PATH] [--append]
// dotnet run -c Release --project WebhookDispatcher.Bench -- soak [--quick] [--seed N] [--json PATH] [--append]
// The bench's receiver and load generator run socket continuations on the socket's own thread (they never block):
// on two shared cores, thread hand-offs were half of this process's CPU, CPU the engine gets instead. Set before any
// socket is made; the services are started with it off (Hosting/AppHostSystem.cs), so they run as they would anyway.
Environment.SetEnvironmentVariable(WebhookDispatcher.Bench.Hosting.AppHostSystem.InlineSocketCompletions, "1");

var options = CommandLine.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

if (options.Soak)
{
    var soak = await SoakRunner.RunAsync(options.SoakPlan, options.Seed, options.CommandText, cancellation.Token);
    Console.WriteLine();
    Console.WriteLine(SoakReportWriter.Table(soak));
    Write(options.JsonPath, JsonSerializer.Serialize(soak, BenchReportWriter.Json));
    if (options.Append)
    {
        SoakReportWriter.AppendToMarkdown(Path.Combine(CommandLine.RepositoryRoot, "RELIABILITY.md"), soak);
    }
    return soak.Lost == 0 ? 0 : 1;
}

var report = await BenchRunner.RunAsync(options.BenchPlan, options.CommandText, cancellation.Token);
Console.WriteLine();
Console.WriteLine(BenchReportWriter.Table(report));
Write(options.JsonPath, JsonSerializer.Serialize(report, BenchReportWriter.Json));
if (options.Append)
{
    BenchReportWriter.AppendToMarkdown(Path.Combine(CommandLine.RepositoryRoot, "BENCHMARKS.md"), report);
    Console.WriteLine("Appended a row to BENCHMARKS.md");
}
// A 202 that is not in the database is a broken promise, whatever the speed.
var unstored = report.Ingest.Sum(l => l.Accepted - l.VerifiedStored) + (report.IngestBatch.Accepted - report.IngestBatch.VerifiedStored);
if (unstored > 0)
{
    Console.Error.WriteLine($"{unstored} acknowledged events were not found in the database.");
    return 1;
}
return 0;

static void Write(string? path, string json)
{
    if (path is null)
    {
        return;
    }
    File.WriteAllText(path, json);
    Console.WriteLine($"Wrote {path}");
}
