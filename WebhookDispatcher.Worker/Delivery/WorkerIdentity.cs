namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// Who holds a lease: host, process and a random part, so a Worker restarted with the same PID never
/// mistakes its predecessor's leases for its own.
/// </summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public override string ToString() => Id;
}
