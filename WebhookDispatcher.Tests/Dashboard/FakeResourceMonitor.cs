using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>A test-only app model: a few resources whose state the test sets, and a record of the buttons pressed.</summary>
public sealed class FakeResourceMonitor : IResourceMonitor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceSnapshot> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ConsoleLine>> _console = new(StringComparer.Ordinal);
    private long _sequence;

    public event Action? Changed;

    public List<string> Commands { get; } = [];

    public void Set(ResourceSnapshot resource)
    {
        lock (_lock)
        {
            _resources[resource.Name] = resource;
        }
        Changed?.Invoke();
    }

    public void WriteLine(string resource, string text, bool isError = false)
    {
        lock (_lock)
        {
            if (!_console.TryGetValue(resource, out var lines))
            {
                _console[resource] = lines = [];
            }
            lines.Add(new ConsoleLine(++_sequence, DateTimeOffset.UtcNow, text, isError));
        }
        Changed?.Invoke();
    }

    public IReadOnlyList<ResourceSnapshot> GetResources()
    {
        lock (_lock)
        {
            return [.. _resources.Values];
        }
    }

    public IReadOnlyList<ConsoleLine> GetConsoleLines(string resourceName, long afterSequence = 0)
    {
        lock (_lock)
        {
            return _console.TryGetValue(resourceName, out var lines) ? [.. lines.Where(l => l.Sequence > afterSequence)] : [];
        }
    }

    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default) => Record("start", resourceName, ResourceState.Running);

    public Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default) => Record("stop", resourceName, ResourceState.Exited);

    public Task RestartResourceAsync(string resourceName, CancellationToken cancellationToken = default) => Record("restart", resourceName, ResourceState.Running);

    private Task Record(string command, string resourceName, ResourceState state)
    {
        lock (_lock)
        {
            Commands.Add($"{command} {resourceName}");
            if (_resources.TryGetValue(resourceName, out var resource))
            {
                _resources[resourceName] = resource with
                {
                    State = state,
                    RestartCount = command == "restart" ? resource.RestartCount + 1 : resource.RestartCount,
                };
            }
        }
        Changed?.Invoke();
        return Task.CompletedTask;
    }
}
