using WebhookDispatcher.MockReceiver.Services;

namespace WebhookDispatcher.MockReceiver.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReceiverOptions>().BindConfiguration("Receiver").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReceiverStats>();
        builder.Services.AddSingleton<ArrivalLog>();
        builder.Services.AddSingleton<ChaosBehaviour>();
        builder.Services.AddProblemDetails();
    }
}
