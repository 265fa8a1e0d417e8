using System.Text.Json.Serialization;

namespace WebhookDispatcher.OperatorConsole.Services;

// The bulk retry of dead deliveries (POST /deliveries/retry/count, then POST /deliveries/retry): its filter, as the
// console sends it; the answers are WebhookDispatcher.Contracts' BulkRetryCount and BulkRetryResult.

/// <summary>
/// Which dead deliveries to send again; every field optional, and an absent one is left out of the JSON rather than
/// sent as null. The values go to the Api as the operator typed them: it validates them and names the field it refuses.
/// </summary>
/// <param name="Since">An ISO 8601 time (2026-12-01T08:00:00Z): the delivery went dead at or after it.</param>
/// <param name="Until">An ISO 8601 time: the delivery went dead before it.</param>
public sealed record BulkRetryFilter(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MerchantId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EndpointId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Since,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Until);
