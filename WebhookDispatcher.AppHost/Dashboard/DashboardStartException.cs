namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>The dashboard could not start, most often because its port is taken. The message says which URL and what to do.</summary>
public sealed class DashboardStartException(string message, Exception? innerException = null) : Exception(message, innerException);
