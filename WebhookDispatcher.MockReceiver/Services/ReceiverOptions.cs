using System.ComponentModel.DataAnnotations;

namespace WebhookDispatcher.MockReceiver.Services;

/// <summary>
/// The <c>Receiver</c> section: how badly the mock merchant behaves. The defaults are the BullMQ seed's:
/// 40% answer 500, 30% hang 15 s (past the dispatcher's timeout), 30% accept. 0 and 0 accept everything.
/// </summary>
public sealed class ReceiverOptions
{
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; } = 0.4;

    [Range(0.0, 1.0)]
    public double HangRate { get; set; } = 0.3;

    [Range(0, 3600)]
    public double HangSeconds { get; set; } = 15;

    /// <summary>The whsec_ secret deliveries are signed with; without it signatures can't be checked, and every request is refused.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// How far a webhook-timestamp may be from now, as Standard Webhooks advises against replay. At most the
    /// 5 minutes the StandardWebhooks library allows (it checks that too): a wider window would not be one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Seed for the chaos dice, for runs that must repeat; random when unset.</summary>
    public int? Seed { get; set; }
}
