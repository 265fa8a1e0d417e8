using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Models;

/// <summary>GET /alerts: the alerts asked for, newest first, each with how far telling each channel has got.</summary>
public sealed record AlertList(string? State, int Limit, IReadOnlyList<AlertRecord> Alerts);
