namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>How the AppHost runs the model: where it keeps data, which ports it uses, what it shows.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Where PostgreSQL's and Redis's data, the generated secrets and the console logs are kept.</summary>
    public string DataDirectory { get; set; } = Hosting.DataDirectory.DefaultPath();

    /// <summary>Wipe the data directory before starting (<c>--fresh</c>).</summary>
    public bool Fresh { get; set; }

    /// <summary>Delete the data directory when the app is disposed (the test harness's temporary directories).</summary>
    public bool DeleteDataDirectoryOnDispose { get; set; }

    /// <summary>Start the dashboard and send the services' telemetry to it.</summary>
    public bool DashboardEnabled { get; set; } = true;

    /// <summary>Give every endpoint a free port, fixed ones too, so several apps can run side by side (tests).</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Start a process again, with backoff, when it exits without being asked to.</summary>
    public bool AutoRestart { get; set; } = true;

    /// <summary>Echo every resource's console output to the AppHost's terminal.</summary>
    public bool EchoConsole { get; set; } = true;

    /// <summary>The environment the AppHost runs in; Development shortens the services' telemetry export delays.</summary>
    public string EnvironmentName { get; set; } =
        Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development";

    /// <summary>
    /// Reads the AppHost's own switches: <c>--fresh</c>, <c>--data-dir &lt;path&gt;</c>, <c>--no-dashboard</c>.
    /// Everything else is left to <see cref="DistributedApplicationBuilder.Configuration"/>.
    /// </summary>
    public static DistributedApplicationOptions FromArgs(IReadOnlyList<string> args, out string[] remainingArgs)
    {
        var options = new DistributedApplicationOptions();
        remainingArgs = options.ReadArgs(args);
        return options;
    }

    /// <summary>
    /// Applies the AppHost's own switches over these options and returns the other arguments. A data directory named
    /// with <c>--data-dir</c> belongs to whoever named it, so it is never deleted on dispose.
    /// </summary>
    public string[] ReadArgs(IReadOnlyList<string> args)
    {
        var remaining = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--fresh":
                    Fresh = true;
                    break;
                case "--no-dashboard":
                    DashboardEnabled = false;
                    break;
                case "--data-dir" when i + 1 < args.Count:
                    UseDataDirectory(args[++i]);
                    break;
                case var arg when arg.StartsWith("--data-dir=", StringComparison.Ordinal):
                    UseDataDirectory(arg["--data-dir=".Length..]);
                    break;
                default:
                    remaining.Add(args[i]);
                    break;
            }
        }
        return [.. remaining];
    }

    private void UseDataDirectory(string path)
    {
        DataDirectory = Path.GetFullPath(path);
        DeleteDataDirectoryOnDispose = false;
    }
}
