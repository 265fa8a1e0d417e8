namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>A named part of the app model, what Aspire calls a resource: a process to run, a database, a parameter.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>What the dashboard shows as the resource's type.</summary>
    public abstract string Type { get; }

    /// <summary>Resources that must be Running and healthy before this one starts (<c>WaitFor</c>).</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources this one is wired to (<c>WithReference</c>, a database's server): it stops before them.</summary>
    public List<Resource> References { get; } = [];

    /// <summary>What decides the resource's health; none means Running is enough for <c>WaitFor</c>.</summary>
    public List<IHealthProbe> HealthProbes { get; } = [];

    public override string ToString() => Name;
}
