using System.Globalization;
using static System.FormattableString;

namespace WebhookDispatcher.OperatorConsole.Components;

/// <summary>
/// How times and durations read on every page. Times are UTC and say so: the page is rendered on the server, whose
/// zone is not the operator's, and an incident is compared with logs and the merchant's own, which speak UTC.
/// </summary>
public static class Format
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "";

    public static string DateTime(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "";

    /// <summary>The Api's address as an operator reads it: service discovery's <c>https+http://api</c> is "the api resource".</summary>
    public static string ApiAddress(Uri? address) => address is null ? "(not configured)"
        : address.Scheme.Contains('+', StringComparison.Ordinal) ? $"the '{address.Host}' service (found by service discovery)"
        : address.GetLeftPart(UriPartial.Authority);

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
