using System.Globalization;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The AppHost's terminal: every resource's output with a timestamp and the resource's name in front, in a colour of
/// its own when the terminal has colours, and the AppHost's own lines. Silent in tests (EchoConsole off): the
/// output is still in each resource's log and console lines.
/// </summary>
internal sealed class ConsoleEcho(bool enabled)
{
    private static readonly string[] Colours = ["\u001b[36m", "\u001b[32m", "\u001b[35m", "\u001b[33m", "\u001b[34m", "\u001b[96m", "\u001b[92m", "\u001b[95m"];
    private const string Reset = "\u001b[0m";
    private const string Red = "\u001b[31m";

    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly Dictionary<string, string> _colourOf = [];
    private readonly Lock _gate = new();
    private int _nameWidth = 12;

    /// <summary>Pads names to the longest, so the output lines up.</summary>
    public void SetNames(IEnumerable<string> names)
    {
        lock (_gate)
        {
            foreach (var name in names)
            {
                _colourOf[name] = Colours[_colourOf.Count % Colours.Length];
                _nameWidth = Math.Max(_nameWidth, name.Length);
            }
        }
    }

    public void Write(string resourceName, string text, bool isError) => Print(resourceName, colour: null, text, isError);

    /// <summary>A line of the AppHost's own (start-up, summary, shutdown).</summary>
    public void Info(string text) => Print("apphost", "\u001b[1m", text, isError: false);

    public void Error(string text) => Print("apphost", Red, text, isError: true);

    private void Print(string name, string? colour, string text, bool isError)
    {
        if (!enabled)
        {
            return;
        }
        var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            colour ??= _colourOf.GetValueOrDefault(name, "");
            var writer = isError ? Console.Error : Console.Out;
            if (_colour)
            {
                writer.WriteLine($"{time} {colour}{name.PadRight(_nameWidth)}{Reset} | {(isError ? Red + text + Reset : text)}");
            }
            else
            {
                writer.WriteLine($"{time} {name.PadRight(_nameWidth)} | {text}");
            }
        }
    }
}
