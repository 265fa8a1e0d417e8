using System.Reflection;

namespace WebhookDispatcher.Bench;

/// <summary>The bench's arguments: which run, how big, where the JSON goes.</summary>
public sealed record CommandLine(bool Soak, BenchPlan BenchPlan, Soak.SoakPlan SoakPlan, int Seed, string? JsonPath, bool Append, string CommandText)
{
    public const string Usage = """
        Usage:
          dotnet run -c Release --project WebhookDispatcher.Bench -- [--quick] [--json PATH] [--append]
          dotnet run -c Release --project WebhookDispatcher.Bench -- soak [--quick] [--seed N] [--json PATH] [--append]

          --quick   the short run: the bench in a few minutes (history of 500,000 rows), the soak with 5,000 events
          --tiny    a load too small to measure anything, for the smoke tests
          --json    write the report as JSON to PATH
          --append  add a dated row to BENCHMARKS.md (the soak: RELIABILITY.md)
          --seed    the soak's fault schedule and chaos dice (default: 1)
          --only    run some scenarios only, comma-separated: ceilings, ingest, drain, history, retention, e2e
                    (for measuring one change; history needs drain, which it is compared with)
          --drain-endpoints   the drain goes to registered endpoints (sealed secrets), not to the default target
          --deliveries N, --workers 1,2,4, --rates 500,1000, --history N   override the plan's drain size, scale-out,
                    offered rates and the history scenario's delivered rows
        """;

    public static string RepositoryRoot => typeof(CommandLine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    public static CommandLine? Parse(string[] args)
    {
        bool soak = false, quick = false, tiny = false, append = false, drainToEndpoints = false;
        string? json = null;
        var seed = 1;
        string[]? only = null;
        int? deliveries = null;
        long? history = null;
        int[]? workers = null, rates = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "soak" when i == 0:
                    soak = true;
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--tiny":
                    tiny = true;
                    break;
                case "--append":
                    append = true;
                    break;
                case "--drain-endpoints":
                    drainToEndpoints = true;
                    break;
                case "--json" when i + 1 < args.Length:
                    json = Path.GetFullPath(args[++i]);
                    break;
                case "--only" when i + 1 < args.Length:
                    only = args[++i].Split(',');
                    break;
                case "--deliveries" when i + 1 < args.Length && int.TryParse(args[i + 1], out var d):
                    deliveries = d;
                    i++;
                    break;
                case "--history" when i + 1 < args.Length && long.TryParse(args[i + 1], out var h):
                    history = h;
                    i++;
                    break;
                case "--workers" when i + 1 < args.Length:
                    workers = [.. args[++i].Split(',').Select(int.Parse)];
                    break;
                case "--rates" when i + 1 < args.Length:
                    rates = [.. args[++i].Split(',').Select(int.Parse)];
                    break;
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n):
                    seed = n;
                    i++;
                    break;
                default:
                    return null;
            }
        }
        var bench = tiny ? BenchPlan.Tiny : quick ? BenchPlan.Quick : BenchPlan.Full;
        bench = bench with
        {
            Only = only ?? bench.Only,
            DrainDeliveries = deliveries ?? bench.DrainDeliveries,
            HistoryDeliveries = history ?? bench.HistoryDeliveries,
            ScaleOutWorkers = workers ?? bench.ScaleOutWorkers,
            EndToEndRates = rates ?? bench.EndToEndRates,
            DrainToEndpoints = drainToEndpoints,
        };
        var soakPlan = tiny ? Bench.Soak.SoakPlan.Tiny : quick ? Bench.Soak.SoakPlan.Quick : Bench.Soak.SoakPlan.Full;
        var text = "dotnet run -c Release --project WebhookDispatcher.Bench --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
        return new CommandLine(soak, bench, soakPlan, seed, json, append, text);
    }
}
