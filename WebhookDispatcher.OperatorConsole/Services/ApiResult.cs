namespace WebhookDispatcher.OperatorConsole.Services;

/// <summary>An Api call's result: its value, or what went wrong in words an operator can act on.</summary>
public sealed record ApiResult<T>(T? Value, string? Error)
{
    public bool IsSuccess => Error is null;
}
