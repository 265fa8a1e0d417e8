// The app model lands with the AppHost issue.
Console.WriteLine("WebhookDispatcher.AppHost: not yet wired.");
