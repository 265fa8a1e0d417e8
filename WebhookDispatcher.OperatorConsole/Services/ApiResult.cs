namespace WebhookDispatcher.OperatorConsole.Services;

/// <summary>An Api call's result: its value, or what went wrong in words an operator can act on.</summary>
/// <param name="FieldErrors">
/// A 400's <c>errors</c> (application/problem+json, one entry per field the Api refused), so a form can show each
/// message beside its own input; null when the answer named no field.
/// </param>
public sealed record ApiResult<T>(T? Value, string? Error, IReadOnlyDictionary<string, string[]>? FieldErrors = null)
{
    public bool IsSuccess => Error is null;

    /// <summary>What the Api said about <paramref name="field"/>, or null when it said nothing about it.</summary>
    public string? FieldError(string field) =>
        FieldErrors is not null && FieldErrors.TryGetValue(field, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;
}
