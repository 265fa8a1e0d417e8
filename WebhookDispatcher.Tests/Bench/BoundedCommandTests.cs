using System.Diagnostics;
using System.Text.RegularExpressions;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Tests.Bench;

/// <summary>A report's small commands (git for the commit) can't hang a bench or soak run that has finished.</summary>
public partial class BoundedCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    [GeneratedRegex("^([0-9a-f]{4,40}|unknown)$")]
    private static partial Regex ShortHashOrUnknown();

    [Fact]
    public async Task ACommandThatNeverEnds_IsKilledAtTheDeadline_AndGivesNothing()
    {
        // A duration no other process on the machine is sleeping for, to find this one by.
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.25";
        var clock = Stopwatch.StartNew();

        var output = await BoundedCommand.OutputAsync("sleep", [marker], Timeout);

        Assert.Null(output);
        Assert.InRange(clock.Elapsed, Timeout, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), dir => ReadCommandLine(dir) == $"sleep\0{marker}\0");
    }

    [Fact]
    public async Task ACommandReadingStdin_GetsEndOfFile_NotTheTerminal()
    {
        var output = await BoundedCommand.OutputAsync("cat", [], TimeSpan.FromSeconds(5));

        Assert.Equal("", output);
    }

    [Fact]
    public async Task ACommandThatFailsOrIsMissing_GivesNothing()
    {
        Assert.Null(await BoundedCommand.OutputAsync("false", [], Timeout));
        Assert.Null(await BoundedCommand.OutputAsync("no-such-command-for-the-bench", [], Timeout));
    }

    [Fact]
    public async Task TheCommit_IsAShortHash_OrUnknown()
    {
        Assert.Matches(ShortHashOrUnknown(), await MachineFacts.CommitAsync());
    }

    private static string? ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or not a process
        }
    }
}
