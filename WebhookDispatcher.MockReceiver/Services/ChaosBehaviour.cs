using Microsoft.Extensions.Options;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.MockReceiver.Services;

/// <summary>What the mock does with the next request: fail, hang or accept, by dice; changeable while it runs.</summary>
public enum ChaosAction
{
    Accept,
    Fail,
    Hang,
}

/// <summary>The receiver's current behaviour and the secrets it verifies with. Changes at runtime through PUT /config.</summary>
public sealed class ChaosBehaviour
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly List<WebhookSecret> _secrets = [];

    public ChaosBehaviour(IOptions<ReceiverOptions> options)
    {
        var o = options.Value;
        FailureRate = o.FailureRate;
        HangRate = o.HangRate;
        HangSeconds = o.HangSeconds;
        TimestampTolerance = o.TimestampTolerance;
        _random = o.Seed is { } seed ? new Random(seed) : new Random();
        if (WebhookSecret.TryParse(o.SigningSecret, out var secret))
        {
            _secrets.Add(secret);
        }
    }

    public double FailureRate { get; private set; }
    public double HangRate { get; private set; }
    public double HangSeconds { get; private set; }
    public TimeSpan TimestampTolerance { get; }

    public IReadOnlyList<WebhookSecret> Secrets
    {
        get
        {
            lock (_lock)
            {
                return [.. _secrets];
            }
        }
    }

    public ChaosAction Roll()
    {
        double roll;
        lock (_lock)
        {
            roll = _random.NextDouble();
        }
        return roll < FailureRate ? ChaosAction.Fail : roll < FailureRate + HangRate ? ChaosAction.Hang : ChaosAction.Accept;
    }

    public void Configure(double? failureRate, double? hangRate, double? hangSeconds)
    {
        lock (_lock)
        {
            FailureRate = failureRate ?? FailureRate;
            HangRate = hangRate ?? HangRate;
            HangSeconds = hangSeconds ?? HangSeconds;
        }
    }

    /// <summary>Trusts one more secret, such as a merchant endpoint's, so deliveries signed with it verify.</summary>
    public void AddSecret(WebhookSecret secret)
    {
        lock (_lock)
        {
            if (!_secrets.Any(s => s.Key.AsSpan().SequenceEqual(secret.Key)))
            {
                _secrets.Add(secret);
            }
        }
    }
}
