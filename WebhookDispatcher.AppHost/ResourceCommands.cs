using System.Net.Http.Json;

namespace Aspire.Hosting;

/// <summary>
/// What an operator wants at hand on the dashboard, as resource commands: each calls the service's own HTTP route,
/// so it does exactly what the same call with curl does.
/// </summary>
internal static class ResourceCommands
{
    public static IResourceBuilder<ProjectResource> WithApiCommands(this IResourceBuilder<ProjectResource> api) =>
        api.WithHttpCommand("/deliveries/retry", "Retry dead deliveries", commandName: "retry-dead", commandOptions: new()
        {
            Method = HttpMethod.Post,
            Description = "Puts every dead delivery back to pending with a fresh budget of attempts.",
            ConfirmationMessage = "Retry every dead delivery?",
            IconName = "ArrowClockwise",
            PrepareRequest = context =>
            {
                context.Request.Content = JsonContent.Create(new { status = "dead" });
                return Task.CompletedTask;
            },
        })
        .WithHttpCommand("/admin/secrets/reseal", "Re-seal secrets", commandName: "reseal-secrets", commandOptions: new()
        {
            Method = HttpMethod.Post,
            Description = "Seals every endpoint signing secret under the active key (Secrets:ActiveKey), plaintext ones from before sealing too.",
            ConfirmationMessage = "Re-seal every endpoint secret under the active key? Every Api and Worker must already hold that key.",
            IconName = "LockClosed",
        });

    public static IResourceBuilder<ProjectResource> WithReceiverCommands(this IResourceBuilder<ProjectResource> receiver) => receiver
        .WithHttpCommand("/config", "Chaos on", commandName: "chaos-on", commandOptions: ChaosCommand(failureRate: 0.4, hangRate: 0.3, "Fails 40% of deliveries with 500 and hangs 30% past the Worker's timeout.", "Flash"))
        .WithHttpCommand("/config", "Chaos off", commandName: "chaos-off", commandOptions: ChaosCommand(failureRate: 0, hangRate: 0, "Accepts every delivery.", "CheckmarkCircle"))
        .WithHttpCommand("/stats/reset", "Reset stats", commandName: "reset-stats", commandOptions: new()
        {
            Method = HttpMethod.Post,
            Description = "Clears the receiver's counts of received, accepted and failed deliveries.",
            IconName = "ArrowReset",
        });

    private static HttpCommandOptions ChaosCommand(double failureRate, double hangRate, string description, string icon) => new()
    {
        Method = HttpMethod.Put,
        Description = description,
        IconName = icon,
        PrepareRequest = context =>
        {
            context.Request.Content = JsonContent.Create(new { failureRate, hangRate, hangSeconds = 15 });
            return Task.CompletedTask;
        },
    };
}
