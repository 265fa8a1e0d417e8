namespace WebhookDispatcher.AppHost.Dashboard.Components;

/// <summary>A stable color per resource name, so api, worker and postgres look the same on every page.</summary>
public static class ResourceColors
{
    private static readonly string[] Palette =
    [
        "#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#db2777", "#4d7c0f", "#7c3aed", "#b45309",
    ];

    /// <summary>The app model's own resources get colors far apart, so api and worker never look alike in a waterfall.</summary>
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["api"] = "#2563eb",
        ["worker"] = "#d97706",
        ["mockreceiver"] = "#9333ea",
        ["postgres"] = "#0891b2",
        ["redis"] = "#dc2626",
    };

    public static string For(string name)
    {
        if (Known.TryGetValue(name, out var known))
        {
            return known;
        }
        // FNV-1a: string.GetHashCode is randomized per process, and colors should not change between runs.
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return Palette[hash % (uint)Palette.Length];
    }

    public static string Series(int index) => Palette[index % Palette.Length];
}
