using WebhookDispatcher.Worker.Extensions;

// A web host rather than a plain worker host, so the Worker serves /health and /alive like every service.
var builder = WebApplication.CreateBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
