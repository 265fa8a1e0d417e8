namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The <c>dotnet</c> executable the AppHost itself runs on, so the services run on the same SDK's runtime.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // Set by `dotnet run` and `dotnet test` to the muxer they run with.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is { } processPath && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }
        return "dotnet";
    }
}
