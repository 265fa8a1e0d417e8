using System.Globalization;
using static System.FormattableString;

namespace WebhookDispatcher.OperatorConsole.Components;

/// <summary>How times and durations read on every page.</summary>
public static class Format
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "";

    public static string DateTime(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        0 => "0",
        < 1 => Invariant($"{duration.TotalMicroseconds:0}µs"),
        < 1000 => Invariant($"{duration.TotalMilliseconds:0.##}ms"),
        < 60_000 => Invariant($"{duration.TotalSeconds:0.##}s"),
        < 3_600_000 => Invariant($"{(int)duration.TotalMinutes}m {duration.Seconds}s"),
        _ => Invariant($"{(int)duration.TotalHours}h {duration.Minutes}m"),
    };

    public static string Milliseconds(double ms) => Duration(TimeSpan.FromMilliseconds(ms));

    public static string ShortId(string? id, int length = 8) => id is null ? "" : id.Length <= length ? id : id[..length];
}
