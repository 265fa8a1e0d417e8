using System.Diagnostics;
using System.Net.Http.Json;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>
/// The chaos soak: the whole system with two Workers and the chaos MockReceiver (behind a proxy that can refuse
/// connections), events submitted steadily, faults injected on a seeded schedule; then, once nothing is pending or
/// in flight, every acknowledged event is audited.
/// </summary>
public static class SoakRunner
{
    private const int Workers = 2;
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Retries fast enough for the soak to finish in minutes: 0.2 s doubling to 2 s, 2 s per attempt (the receiver
    /// hangs 3 s, so a hang is a timeout), 6 s leases, and 50 attempts, so that at 70% failures a delivery dies with
    /// odds of 0.7^50 ≈ 2·10⁻⁸. Hangs hold a connection for the whole timeout, so one endpoint may have 256 at once.
    /// The shared circuit is on, scaled like the retries: a receiver outage opens it (every attempt fails), and it
    /// half-opens after 2 s instead of 30.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DispatcherSettings = new Dictionary<string, string>
    {
        ["MaxAttempts"] = "50",
        ["BaseDelay"] = "00:00:00.2",
        ["MaxDelay"] = "00:00:02",
        ["AttemptTimeout"] = "00:00:02",
        ["LeaseDuration"] = "00:00:06",
        ["MaxConcurrencyPerEndpoint"] = "256",
        ["ShutdownGracePeriod"] = "00:00:05",
        ["CircuitCooldown"] = "00:00:02",
    };

    public static async Task<SoakReport> RunAsync(SoakPlan plan, int seed, string command, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var loadBefore = MachineFacts.LoadAverage();
        var receiverSettings = new Dictionary<string, string>
        {
            ["FailureRate"] = "0.4",
            ["HangRate"] = "0.3",
            ["HangSeconds"] = "3",
            ["Seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        await using var proxy = new ChaosProxy();
        Console.WriteLine($"Starting the AppHost's app model: PostgreSQL, Redis, the Api, {Workers} Workers and the chaos MockReceiver (behind {proxy.Url}) ...");
        await using var system = await AppHostSystem.StartAsync(new SystemSettings
        {
            DefaultTargetUrl = new Uri(proxy.Url, "/webhook").ToString(),
            Dispatcher = DispatcherSettings,
            MockReceiver = receiverSettings,
            Workers = Workers,
        }, Workers, cancellationToken);
        proxy.SetUpstream(system.MockReceiverUrl!);
        proxy.Accept();
        Console.WriteLine($"  up in {total.Elapsed.TotalSeconds:0.0} s");

        await using var database = new BenchDatabase(system.WebhooksConnectionString);
        using var api = new ApiClient(system.ApiUrl, system.ApiKey, 64);
        using var receiverClient = new HttpClient { BaseAddress = system.MockReceiverUrl, Timeout = TimeSpan.FromSeconds(10) };
        var submitter = new Submitter(api, seed);
        var accepted = new ReceiverWatch(receiverClient);
        var schedule = FaultSchedule.Plan(plan, seed, Workers);
        var faultLog = new List<FaultRecord>();
        var recoveries = new List<Task>();
        var current = "none";
        long outstanding = -1;

        using var stopWatching = new CancellationTokenSource();
        var watching = accepted.RunAsync(stopWatching.Token);
        var counting = CountOutstandingAsync(stopWatching.Token);
        var submitClock = Stopwatch.StartNew();
        double submitS = 0, settleS = 0;

        await using (new LiveProgress($"soak ({plan.Mode}, seed {seed})", _ =>
            $"acked {submitter.Acknowledged.Count,6:N0}/{plan.Events:N0}  accepted {accepted.Accepted,7:N0}  outstanding {Interlocked.Read(ref outstanding),6:N0}  fault: {current}"))
        {
            var submitting = submitter.RunAsync(plan.Events, plan.SubmitFor, cancellationToken);
            foreach (var fault in schedule)
            {
                var at = TimeSpan.FromSeconds(fault.AtSeconds);
                if (at > submitClock.Elapsed)
                {
                    await Task.Delay(at - submitClock.Elapsed, cancellationToken);
                }
                current = fault.Kind.ToString();
                var began = submitClock.Elapsed;
                var (detail, liftedAt) = await FaultSchedule.InjectAsync(fault, system, proxy, plan, cancellationToken);
                var down = submitClock.Elapsed - began;
                current = "none";
                int index;
                lock (faultLog)
                {
                    index = faultLog.Count;
                    faultLog.Add(new FaultRecord(fault.Kind, detail, Math.Round(began.TotalSeconds, 1), Math.Round(down.TotalSeconds, 1), null));
                }
                var acceptedAtLift = accepted.Accepted;
                recoveries.Add(Task.Run(async () =>
                {
                    var recovery = await RecoveryAsync(liftedAt, acceptedAtLift, submitter, accepted, cancellationToken);
                    lock (faultLog)
                    {
                        faultLog[index] = faultLog[index] with { RecoveryS = recovery };
                    }
                }, cancellationToken));
            }
            await submitting;
            submitS = submitClock.Elapsed.TotalSeconds;
            await Task.WhenAll(recoveries);

            // Settle: wait until nothing is pending or in flight.
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed < plan.SettleTimeout)
            {
                if (Interlocked.Read(ref outstanding) == 0 && await database.OutstandingAsync(cancellationToken) == 0)
                {
                    break;
                }
                await Task.Delay(500, cancellationToken);
            }
            settleS = settle.Elapsed.TotalSeconds;
        }
        await stopWatching.CancelAsync();
        await watching;
        await counting;

        var counts = await receiverClient.GetFromJsonAsync<Dictionary<string, int>>("/stats/accepted", cancellationToken) ?? [];
        var stats = await receiverClient.GetFromJsonAsync<Dictionary<string, long>>("/stats", cancellationToken) ?? [];
        var audit = await SoakAudit.RunAsync(database.DataSource, [.. submitter.Acknowledged.Values.Distinct()], counts, cancellationToken);

        return new SoakReport
        {
            Date = DateTimeOffset.UtcNow,
            Mode = plan.Mode,
            Seed = seed,
            Command = command,
            Machine = await MachineFacts.DescribeAsync(loadBefore, cancellationToken),
            DispatcherSettings = DispatcherSettings,
            ReceiverSettings = receiverSettings,
            Submitted = plan.Events,
            Acknowledged = audit.Acknowledged,
            Delivered = audit.Delivered,
            Dead = audit.Dead,
            Lost = audit.Lost,
            LostExamples = audit.LostExamples,
            Duplicates = audit.Duplicates,
            DuplicateCauses = audit.DuplicateCauses,
            StuckInFlight = audit.StuckInFlight,
            AttemptsMissing = audit.AttemptsMissing,
            DeadNeverAccepted = audit.DeadNeverAccepted,
            UnacknowledgedStored = audit.UnacknowledgedStored,
            SubmissionsRetried = submitter.Rejected,
            SubmissionsAbandoned = submitter.Abandoned,
            Faults = faultLog.GroupBy(f => f.Kind.ToString()).ToDictionary(g => g.Key, g => g.Count()),
            FaultLog = faultLog,
            ReceiverStats = stats,
            SubmitS = Math.Round(submitS, 1),
            SettleS = Math.Round(settleS, 1),
            ElapsedS = Math.Round(total.Elapsed.TotalSeconds, 1),
        };

        async Task CountOutstandingAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Interlocked.Exchange(ref outstanding, await database.OutstandingAsync(stop));
                    await Task.Delay(1000, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Npgsql.NpgsqlException)
                {
                    // PostgreSQL restarting: the count waits.
                }
            }
        }
    }

    /// <summary>From the moment a fault is lifted until a new event is acknowledged and the merchant accepts a webhook again.</summary>
    private static async Task<double?> RecoveryAsync(long liftedAt, long acceptedAtLift, Submitter submitter, ReceiverWatch accepted, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetElapsedTime(liftedAt) < RecoveryLimit)
        {
            if (submitter.LastAck > liftedAt && accepted.Accepted > acceptedAtLift)
            {
                return Math.Round(Stopwatch.GetElapsedTime(liftedAt).TotalSeconds, 1);
            }
            await Task.Delay(100, cancellationToken);
        }
        return null;
    }

    /// <summary>Follows the MockReceiver's count of accepted webhooks.</summary>
    private sealed class ReceiverWatch(HttpClient client)
    {
        private long _accepted;

        public long Accepted => Interlocked.Read(ref _accepted);

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var stats = await client.GetFromJsonAsync<Dictionary<string, long>>("/stats", stop);
                    if (stats?.GetValueOrDefault("accepted") is { } n)
                    {
                        Interlocked.Exchange(ref _accepted, n);
                    }
                    await Task.Delay(200, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                }
            }
        }
    }
}
