namespace WebhookDispatcher.Bench.Soak;

public static class SoakRunner
{
    public static Task<SoakReport> RunAsync(SoakPlan plan, int seed, string command, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}

public sealed record SoakReport(long Lost);

public static class SoakReportWriter
{
    public static string Table(SoakReport report) => report.ToString();

    public static void AppendToMarkdown(string path, SoakReport report) => throw new NotImplementedException();
}
