using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// The running instances of an app model's resources, as Aspire reports them, and what the tests, the bench and the
/// soak do to them: a replicated Worker has several instances, each with a DCP name (worker-abcd1234). Stop, start
/// and restart go through Aspire's own resource commands; a kill is SIGKILL to the pid in the resource snapshot.
/// </summary>
public sealed class ResourceInstances : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    private const string PidProperty = "executable.pid";

    private static readonly HashSet<string> StoppedStates = [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart];

    private readonly DistributedApplication _app;
    private readonly ResourceNotificationService _notifications;
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stop = new();

    public ResourceInstances(DistributedApplication app)
    {
        _app = app;
        _notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        // Aspire names no instances up front, but reports every one as it changes: keep the latest of each.
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var resourceEvent in _notifications.WatchAsync(_stop.Token))
                {
                    _latest[resourceEvent.ResourceId] = resourceEvent;
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    /// <summary>The instances of a modelled resource (e.g. worker → worker-abcd1234, …), in a stable order.</summary>
    public IReadOnlyList<string> Of(string resourceName) =>
        [.. _latest.Values.Where(e => e.Resource.Name == resourceName).Select(e => e.ResourceId).Order(StringComparer.Ordinal)];

    /// <summary>The single instance of a resource that is not replicated.</summary>
    public string Single(string resourceName) => Of(resourceName) switch
    {
        [var only] => only,
        var all => throw new InvalidOperationException($"{resourceName} has {all.Count} instances."),
    };

    public CustomResourceSnapshot? Snapshot(string instance) =>
        _notifications.TryGetCurrentState(instance, out var resourceEvent) ? resourceEvent.Snapshot : null;

    public bool IsRunning(string instance) => Snapshot(instance)?.State?.Text == KnownResourceStates.Running;

    /// <summary>The pid DCP started the instance as (for a project, the <c>dotnet run</c> that runs it).</summary>
    public int? ProcessIdOf(string instance) =>
        Snapshot(instance)?.Properties.FirstOrDefault(p => p.Name == PidProperty)?.Value is { } value
            && int.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var pid) ? pid : null;

    /// <summary>Waits until every resource of the model, and every replica of each, is running and healthy.</summary>
    public async Task WaitForAllHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        var resources = Started().ToList();
        try
        {
            await Task.WhenAll(resources.Select(r => _notifications.WaitForResourceHealthyAsync(r.Name, deadline.Token)));
            foreach (var resource in resources)
            {
                var replicas = resource.Annotations.OfType<ReplicaAnnotation>().FirstOrDefault()?.Replicas ?? 1;
                while (Of(resource.Name).Count < replicas)
                {
                    await Task.Delay(50, deadline.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Not every resource was healthy in time:{Environment.NewLine}{await DescribeUnhealthyAsync(resources)}");
        }
        await Task.WhenAll(resources.SelectMany(r => Of(r.Name)).Select(i => WaitForHealthyAsync(i, timeout, cancellationToken)));
    }

    public Task WaitForHealthyAsync(string instance, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(instance, s => s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy, "healthy", timeout, cancellationToken);

    public Task WaitForStoppedAsync(string instance, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(instance, s => StoppedStates.Contains(s.State?.Text ?? ""), "stopped", timeout, cancellationToken);

    /// <summary>
    /// SIGKILL to the instance's process and everything under it (a project runs under <c>dotnet run</c>, which
    /// would otherwise leave the service itself running); waits until Aspire sees it stopped. Nothing starts it again.
    /// </summary>
    public async Task KillAsync(string instance, CancellationToken cancellationToken = default)
    {
        var pid = ProcessIdOf(instance) ?? throw new InvalidOperationException($"{instance} has no process to kill (it is {Snapshot(instance)?.State?.Text}).");
        foreach (var process in ProcessTree.Of(pid))
        {
            _ = kill(process, 9);
        }
        await WaitForStoppedAsync(instance, DefaultTimeout, cancellationToken);
    }

    /// <summary>Aspire's stop command (SIGTERM: the service shuts down gracefully); waits until it has stopped.</summary>
    public async Task StopAsync(string instance, CancellationToken cancellationToken = default)
    {
        await ExecuteCommandAsync(instance, KnownResourceCommands.StopCommand, cancellationToken);
        await WaitForStoppedAsync(instance, DefaultTimeout, cancellationToken);
    }

    /// <summary>Aspire's start command; waits until the instance is running and healthy.</summary>
    public async Task StartAsync(string instance, CancellationToken cancellationToken = default)
    {
        await ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand, cancellationToken);
        await WaitForHealthyAsync(instance, DefaultTimeout, cancellationToken);
    }

    /// <summary>Aspire's restart command; waits until the instance is running and healthy again.</summary>
    public async Task RestartAsync(string instance, CancellationToken cancellationToken = default)
    {
        await ExecuteCommandAsync(instance, KnownResourceCommands.RestartCommand, cancellationToken);
        await WaitForHealthyAsync(instance, DefaultTimeout, cancellationToken);
    }

    public async Task ExecuteCommandAsync(string instance, string commandName, CancellationToken cancellationToken = default)
    {
        var result = await _app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(instance, commandName, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"The command {commandName} on {instance} failed: {result.Message}");
        }
    }

    /// <summary>The last lines an instance wrote to its console, as the dashboard shows them.</summary>
    public async Task<IReadOnlyList<string>> ConsoleLinesAsync(string instance, int lines = 20)
    {
        var logs = _app.Services.GetRequiredService<ResourceLoggerService>();
        var kept = new Queue<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(enough.Token))
            {
                foreach (var line in batch)
                {
                    kept.Enqueue(line.Content);
                    if (kept.Count > lines)
                    {
                        kept.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // What was written by now is what there is.
        }
        return [.. kept];
    }

    public void Dispose() => _stop.Cancel();

    private async Task WaitForAsync(string instance, Func<CustomResourceSnapshot, bool> predicate, string what, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        try
        {
            if (Snapshot(instance) is { } current && predicate(current))
            {
                return;
            }
            await foreach (var resourceEvent in _notifications.WatchAsync(deadline.Token))
            {
                if (resourceEvent.ResourceId == instance && predicate(resourceEvent.Snapshot))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var state = Snapshot(instance);
            throw new TimeoutException(
                $"{instance} was not {what} in time: it is {state?.State?.Text ?? "unknown"}, {state?.HealthStatus?.ToString() ?? "no health"}. It last wrote:{Environment.NewLine}" +
                string.Join(Environment.NewLine, await ConsoleLinesAsync(instance)));
        }
    }

    /// <summary>Every instance that is not running and healthy, with what it last wrote: for a failure message.</summary>
    public Task<string> DescribeUnhealthyAsync() =>
        DescribeUnhealthyAsync(Started());

    private async Task<string> DescribeUnhealthyAsync(IEnumerable<IResource> resources)
    {
        var lines = new List<string>();
        foreach (var resource in resources.Where(r => Of(r.Name).Count == 0))
        {
            lines.Add($"{resource.Name}: no instance reported yet");
        }
        foreach (var instance in resources.SelectMany(r => Of(r.Name)))
        {
            if (Snapshot(instance) is { } s && (s.State?.Text != KnownResourceStates.Running || s.HealthStatus != HealthStatus.Healthy))
            {
                lines.Add($"{instance}: {s.State?.Text} {s.HealthStatus}");
                lines.AddRange((await ConsoleLinesAsync(instance, 10)).Select(l => "    " + l));
            }
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// The resources that start with the app: not parameters, not those started by hand, and none that Aspire hides
    /// (the project rebuilders it adds, which never start unless a project is rebuilt).
    /// </summary>
    private IEnumerable<IResource> Started() =>
        _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(r =>
            r is not ParameterResource
            && !r.Annotations.OfType<ExplicitStartupAnnotation>().Any()
            && !r.Annotations.OfType<HiddenAnnotation>().Any()
            && !_latest.Values.Any(e => e.Resource == r && e.Snapshot.IsHidden));

    private static CancellationTokenSource Deadline(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        return deadline;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
