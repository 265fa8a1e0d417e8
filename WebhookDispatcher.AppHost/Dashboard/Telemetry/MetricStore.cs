namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// Metric points by resource, instrument and attribute set. Every dimension is bounded (points per series, series
/// per instrument, instruments in all) so a metric with a runaway attribute can't grow the AppHost without end.
/// </summary>
public sealed class MetricStore(
    int maxPointsPerSeries = MetricStore.DefaultMaxPointsPerSeries,
    int maxSeriesPerInstrument = MetricStore.DefaultMaxSeriesPerInstrument,
    int maxInstruments = MetricStore.DefaultMaxInstruments)
{
    /// <summary>Ten minutes of points at Development's one-second export interval.</summary>
    public const int DefaultMaxPointsPerSeries = 600;
    public const int DefaultMaxSeriesPerInstrument = 100;
    public const int DefaultMaxInstruments = 2_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Resource, string Name), StoredInstrument> _instruments = [];

    public int MaxPointsPerSeries => maxPointsPerSeries;

    /// <summary>A point as the OTLP mapper hands it over.</summary>
    public sealed record Incoming(
        string Resource,
        string Meter,
        string Name,
        string Description,
        string Unit,
        MetricKind Kind,
        MetricTemporality Temporality,
        IReadOnlyList<TelemetryAttribute> Attributes,
        MetricPoint Point);

    public void Add(IEnumerable<Incoming> points)
    {
        lock (_lock)
        {
            foreach (var incoming in points)
            {
                var key = (incoming.Resource, incoming.Name);
                if (!_instruments.TryGetValue(key, out var instrument))
                {
                    if (_instruments.Count >= maxInstruments)
                    {
                        continue;
                    }
                    instrument = new StoredInstrument(incoming.Meter, incoming.Description, incoming.Unit, incoming.Kind, incoming.Temporality);
                    _instruments[key] = instrument;
                }
                var label = Label(incoming.Attributes);
                if (!instrument.Series.TryGetValue(label, out var series))
                {
                    if (instrument.Series.Count >= maxSeriesPerInstrument)
                    {
                        continue;
                    }
                    series = (incoming.Attributes, new RingBuffer<MetricPoint>(maxPointsPerSeries));
                    instrument.Series[label] = series;
                }
                series.Points.Add(incoming.Point);
            }
        }
    }

    public IReadOnlyList<string> Resources()
    {
        lock (_lock)
        {
            return [.. _instruments.Keys.Select(k => k.Resource).Distinct().Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>A resource's instruments, the engine's own (webhooks.*) first, then by name.</summary>
    public IReadOnlyList<MetricInstrumentInfo> Instruments(string resource)
    {
        lock (_lock)
        {
            return [.. _instruments
                .Where(i => i.Key.Resource == resource)
                .Select(i => new MetricInstrumentInfo(i.Value.Meter, i.Key.Name, i.Value.Description, i.Value.Unit, i.Value.Kind))
                .OrderBy(i => i.Name.StartsWith("webhooks.", StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(i => i.Name, StringComparer.Ordinal)];
        }
    }

    public MetricInstrument? Get(string resource, string name)
    {
        lock (_lock)
        {
            if (!_instruments.TryGetValue((resource, name), out var i))
            {
                return null;
            }
            return new MetricInstrument(resource, i.Meter, name, i.Description, i.Unit, i.Kind, i.Temporality,
                [.. i.Series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new MetricSeries(s.Key, s.Value.Attributes, s.Value.Points.ToList()))]);
        }
    }

    public static string Label(IReadOnlyList<TelemetryAttribute> attributes) =>
        string.Join(", ", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));

    private sealed class StoredInstrument(string meter, string description, string unit, MetricKind kind, MetricTemporality temporality)
    {
        public string Meter { get; } = meter;

        public string Description { get; } = description;

        public string Unit { get; } = unit;

        public MetricKind Kind { get; } = kind;

        public MetricTemporality Temporality { get; } = temporality;

        public Dictionary<string, (IReadOnlyList<TelemetryAttribute> Attributes, RingBuffer<MetricPoint> Points)> Series { get; } = new(StringComparer.Ordinal);
    }
}
