namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>Log levels by the names .NET uses, ordered so a filter can say "this level or worse".</summary>
public enum LogSeverity
{
    Unspecified,
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
}

public static class LogSeverities
{
    /// <summary>OTLP's SeverityNumber runs 1-24, four numbers per level (TRACE 1-4 … FATAL 21-24).</summary>
    public static LogSeverity FromSeverityNumber(int number) => number switch
    {
        >= 1 and <= 4 => LogSeverity.Trace,
        >= 5 and <= 8 => LogSeverity.Debug,
        >= 9 and <= 12 => LogSeverity.Information,
        >= 13 and <= 16 => LogSeverity.Warning,
        >= 17 and <= 20 => LogSeverity.Error,
        >= 21 and <= 24 => LogSeverity.Critical,
        _ => LogSeverity.Unspecified,
    };
}
