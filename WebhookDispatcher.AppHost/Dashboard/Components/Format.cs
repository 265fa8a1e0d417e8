using System.Globalization;

namespace WebhookDispatcher.AppHost.Dashboard.Components;

/// <summary>How times, durations and numbers read on every page.</summary>
public static class Format
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "";

    public static string DateTime(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        0 => "0",
        < 1 => $"{duration.TotalMicroseconds:0}µs",
        < 1000 => $"{duration.TotalMilliseconds:0.##}ms",
        < 60_000 => $"{duration.TotalSeconds:0.##}s",
        _ => $"{(int)duration.TotalMinutes}m {duration.Seconds}s",
    };

    public static string Milliseconds(double ms) => Duration(TimeSpan.FromMilliseconds(ms));

    public static string Number(double value) => Math.Abs(value) switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ when value == Math.Floor(value) => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>A value with its unit, reading "ms" and "s" as durations and UCUM annotations like {event} as plain counts.</summary>
    public static string WithUnit(double value, string unit) => unit switch
    {
        "ms" => Milliseconds(value),
        "s" => Duration(TimeSpan.FromSeconds(value)),
        "By" => $"{Number(value)} B",
        _ when unit.StartsWith('{') || unit.Length == 0 => Number(value),
        _ => $"{Number(value)} {unit}",
    };

    public static string ShortId(string? id, int length = 8) => id is null ? "" : id.Length <= length ? id : id[..length];
}
