using System.Diagnostics;
using System.Reflection;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// One of our services run as <c>dotnet &lt;dll&gt;</c> from its build output, configured through the environment
/// the way Aspire configures a project resource. Its console output goes to a log file.
/// </summary>
internal sealed class ServiceProcess(string name, string project, IReadOnlyDictionary<string, string> environment, string logDirectory) : IDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;
    private StreamWriter? _log;

    public string Name => name;

    public int Port { get; } = NativeProcess.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
        }
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath(project))!,
        };
        start.ArgumentList.Add(AssemblyPath(project));
        start.Environment["ASPNETCORE_URLS"] = Url.ToString();
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _log?.Dispose();
        _log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log"), append: true) { AutoFlush = true };
        var log = _log;
        _process?.Dispose();
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        _process.OutputDataReceived += (_, e) => Write(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitHealthyAsync(cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly as when the machine loses the process.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            NativeProcess.Signal(process.Id, NativeProcess.SigKill);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, and a wait for the graceful shutdown (a Worker finishes its attempts and writes their outcomes).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false } process)
        {
            NativeProcess.Signal(process.Id, NativeProcess.SigTerm);
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
            }
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"{name} exited during start-up (exit code {_process?.ExitCode}); see {logDirectory}/{name}.log");
            }
            try
            {
                using var response = await Probe.GetAsync(new Uri(Url, "/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"{name} was not healthy within 90 s; see {logDirectory}/{name}.log");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>The service's build output beside this bench's: same repository, configuration and framework.</summary>
    public static string AssemblyPath(string project)
    {
        var metadata = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var path = Path.Combine(metadata["RepositoryRoot"]!, project, "bin", metadata["Configuration"]!, metadata["TargetFramework"]!, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built: {path}. Build the solution (or run the bench with dotnet run, which builds it).");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        _process?.Dispose();
        _log?.Dispose();
    }
}
