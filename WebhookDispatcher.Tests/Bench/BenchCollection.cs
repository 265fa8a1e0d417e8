namespace WebhookDispatcher.Tests.Bench;

/// <summary>
/// The bench and the soak each start a whole system and load the machine: they run alone, one after the other,
/// once the other test collections are done.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchCollection
{
    public const string Name = "Bench";
}
