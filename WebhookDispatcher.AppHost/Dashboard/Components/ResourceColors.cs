namespace WebhookDispatcher.AppHost.Dashboard.Components;

/// <summary>A stable color per resource name, so api, worker and postgres look the same on every page.</summary>
public static class ResourceColors
{
    private static readonly string[] Palette =
    [
        "#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#db2777", "#4d7c0f", "#7c3aed", "#b45309",
    ];

    public static string For(string name)
    {
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
