using System.Diagnostics;
using System.Text;

namespace Aspire.Hosting;

/// <summary>Finding the machine's programs, and running a short-lived one (initdb) with its output kept.</summary>
public static class Binaries
{
    public static bool IsRoot => Environment.UserName == "root";

    public static void SetMode(string path, UnixFileMode mode)
    {
        // Local binaries run on Linux and macOS; on Windows the AppHost uses containers (InfrastructureChoice).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public static string? Find(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Runs a program to its end; its output goes to <paramref name="log"/> line by line. Throws when it fails.</summary>
    public static async Task RunAsync(string file, IEnumerable<string> args, Action<string> log, CancellationToken cancellationToken, string? standardInput = null)
    {
        var startInfo = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(file)} {string.Join(' ', startInfo.ArgumentList)} failed with exit code {process.ExitCode}.");
        }
    }
}
