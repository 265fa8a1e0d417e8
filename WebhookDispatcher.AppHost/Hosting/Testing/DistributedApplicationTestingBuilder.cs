using System.Reflection;

namespace WebhookDispatcher.AppHost.Hosting.Testing;

/// <summary>
/// Builds an app for a test, the way Aspire.Hosting.Testing does: it runs the AppHost's own entry point, so the test
/// gets the model Program.cs builds, but with every port free-chosen, a temporary data directory deleted on dispose,
/// no dashboard, no echo to the terminal, and no automatic restarts unless the test asks for them. The test may add to
/// the model before it builds and starts the app.
/// </summary>
/// <example>
/// <code>
/// var builder = await DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.WebhookDispatcher_AppHost&gt;(
///     ["--workers", "2", "--receiver-failure-rate", "0", "--receiver-hang-rate", "0"],
///     options => options.AutoRestart = true);
/// builder.CreateResourceBuilder&lt;ProjectResource&gt;("worker").WithEnvironment("Dispatcher__BaseDelay", "00:00:00.100");
/// await using var app = builder.Build();
/// await app.StartAsync();
/// await app.WaitForResourceHealthyAsync("api").WaitAsync(TimeSpan.FromMinutes(1));
/// using var client = app.CreateHttpClient("api");
/// </code>
/// </example>
public static class DistributedApplicationTestingBuilder
{
    /// <summary>Runs the AppHost's entry point without arguments and returns the builder it modelled, not yet built.</summary>
    public static Task<DistributedApplicationBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync<TEntryPoint>([], null, cancellationToken);

    /// <summary>
    /// Runs the AppHost's entry point with <paramref name="args"/> (its command line: <c>--workers 2</c>) and returns
    /// the builder it modelled, not yet built. An exception the entry point throws before its <c>Build()</c> is
    /// thrown here.
    /// </summary>
    /// <typeparam name="TEntryPoint">The AppHost's <c>Projects.*</c> type, or any type of its assembly.</typeparam>
    /// <param name="configureOptions">Changes to the test options, made after the AppHost's switches in <paramref name="args"/>.</param>
    public static Task<DistributedApplicationBuilder> CreateAsync<TEntryPoint>(
        string[] args,
        Action<DistributedApplicationOptions>? configureOptions = null,
        CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        DistributedApplicationEntryPointInvoker.InvokeAsync(GetAppHostAssembly(typeof(TEntryPoint)), args, configureOptions, cancellationToken);

    /// <summary>A path under /tmp, which the postgres user can reach when tests run as root.</summary>
    public static string CreateTemporaryDirectoryPath() =>
        Path.Combine(Path.GetTempPath(), "webhook-dispatcher-test-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>What a test's app runs with unless the test says otherwise.</summary>
    internal static DistributedApplicationOptions CreateOptions() => new()
    {
        DataDirectory = CreateTemporaryDirectoryPath(),
        DeleteDataDirectoryOnDispose = true,
        RandomizePorts = true,
        DashboardEnabled = false,
        EchoConsole = false,
        AutoRestart = false,
    };

    /// <summary>A Projects.* type names the AppHost by its build output, which the test project references; any other type is in it.</summary>
    private static Assembly GetAppHostAssembly(Type entryPoint) =>
        typeof(IProjectMetadata).IsAssignableFrom(entryPoint)
            ? Assembly.Load(Path.GetFileNameWithoutExtension(((IProjectMetadata)Activator.CreateInstance(entryPoint)!).AssemblyPath))
            : entryPoint.Assembly;
}
