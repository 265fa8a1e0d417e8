namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>A resource others reach by a connection string, handed to them as <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>The connection string; known once the app has started (ports and passwords are decided then).</summary>
    string GetConnectionString();
}
