namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>A resource being added to the app model, for the fluent <c>With…</c> and <c>WaitFor</c> calls.</summary>
public interface IResourceBuilder<out T> where T : Resource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}
