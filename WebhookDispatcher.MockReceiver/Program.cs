using WebhookDispatcher.MockReceiver.Apis;
using WebhookDispatcher.MockReceiver.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.MapWebhookApi();
app.MapStatsApi();

app.Run();
