namespace WebhookDispatcher.Bench.Hosting;

/// <summary>A process and its descendants, read from /proc: a project resource runs under <c>dotnet run</c>, PostgreSQL as a tree of backends.</summary>
public static class ProcessTree
{
    public static IReadOnlyList<int> Of(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || ProcessCpu.ReadStat(pid) is not { } stat)
            {
                continue;
            }
            if (!children.TryGetValue(stat.ParentId, out var list))
            {
                children[stat.ParentId] = list = [];
            }
            list.Add(pid);
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            if (children.TryGetValue(tree[i], out var list))
            {
                tree.AddRange(list);
            }
        }
        return tree;
    }
}
