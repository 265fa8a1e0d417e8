using System.Text.Json;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// Gives each parameter its value: the one kept in parameters.json, or a newly generated one that is then kept, so
/// PostgreSQL's password (set once, by initdb) and the signing secret stay the same from run to run.
/// </summary>
internal static class ParameterStore
{
    public static void Resolve(IEnumerable<ParameterResource> parameters, string file)
    {
        var values = File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
            : [];
        var changed = false;
        foreach (var parameter in parameters)
        {
            if (!values.TryGetValue(parameter.Name, out var value))
            {
                value = parameter.Generate();
                values[parameter.Name] = value;
                changed = true;
            }
            parameter.SetValue(value);
        }
        if (changed)
        {
            var scratch = file + ".tmp";
            File.WriteAllText(scratch, JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true }));
            UnixPermissions.Set(scratch, UnixPermissions.OwnerOnly);
            File.Move(scratch, file, overwrite: true);
        }
    }
}
