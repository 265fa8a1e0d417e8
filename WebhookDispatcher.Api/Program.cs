using WebhookDispatcher.Api.Apis;
using WebhookDispatcher.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationMiddleware();
app.MapDefaultEndpoints();

app.MapEventsApi();
app.MapStatusApi();
app.MapDeliveriesApi();
app.MapMerchantEndpointsApi();
app.MapAlertsApi();
app.MapSecretsApi();

app.Run();
