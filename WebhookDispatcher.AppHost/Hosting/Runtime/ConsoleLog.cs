using System.Globalization;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The console output of one resource: the last <see cref="Capacity"/> lines for the dashboard (as Aspire keeps),
/// every line in logs/&lt;name&gt;.log under the data directory, and an echo to the AppHost's terminal.
/// The file starts empty each AppHost run and keeps the output of every restart within it.
/// </summary>
internal sealed class ConsoleLog : IDisposable
{
    public const int Capacity = 10_000;

    private readonly Queue<ConsoleLine> _lines = new();
    private readonly ConsoleEcho _echo;
    private readonly string _name;
    private readonly string _path;
    private StreamWriter? _file;
    private long _sequence;
    private bool _disposed;

    public ConsoleLog(string name, string logDirectory, ConsoleEcho echo)
    {
        _name = name;
        _echo = echo;
        _path = Path.Combine(logDirectory, name + ".log");
    }

    /// <summary>Raised after each line is written.</summary>
    public event Action? Written;

    public void Write(string text, bool isError)
    {
        var timestamp = DateTimeOffset.UtcNow;
        lock (_lines)
        {
            _lines.Enqueue(new ConsoleLine(++_sequence, timestamp, text, isError));
            if (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
            if (!_disposed)
            {
                // Opened at the first line, so the file is made only once the app has prepared its data directory.
                _file ??= new StreamWriter(new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
                _file.WriteLine(timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + (isError ? " ! " : "   ") + text);
            }
        }
        _echo.Write(_name, text, isError);
        Written?.Invoke();
    }

    /// <summary>A line from the AppHost about the resource (started, exited, restarting), kept with its output.</summary>
    public void WriteSystem(string text) => Write("[apphost] " + text, isError: false);

    public IReadOnlyList<ConsoleLine> GetLines(long afterSequence = 0)
    {
        lock (_lines)
        {
            return [.. _lines.Where(l => l.Sequence > afterSequence)];
        }
    }

    public void Dispose()
    {
        lock (_lines)
        {
            _disposed = true;
            _file?.Dispose();
        }
    }
}
