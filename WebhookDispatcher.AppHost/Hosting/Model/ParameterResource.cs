namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A value the app model needs but nobody types in: a password, a signing secret. Generated on first start and kept
/// in the data directory (parameters.json), as Aspire keeps generated parameters in the AppHost's user secrets.
/// </summary>
public sealed class ParameterResource(string name, Func<string> generate) : Resource(name)
{
    private string? _value;

    public override string Type => "Parameter";

    internal Func<string> Generate { get; } = generate;

    public string Value => _value ?? throw new InvalidOperationException($"Parameter {Name} has its value once the app has started.");

    internal void SetValue(string value) => _value = value;
}
