using WebhookDispatcher.AppHost;
using WebhookDispatcher.AppHost.Hosting;

// dotnet run --project WebhookDispatcher.AppHost [-- --fresh] [--no-dashboard] [--data-dir <path>] [--workers <n>]
var builder = DistributedApplication.CreateBuilder(args);

// postgres + webhooks, redis, mockreceiver :4000, api :3000, worker: see AppModel.cs.
AppModel.Build(builder, AppModelOptions.FromConfiguration(builder.Configuration));

builder.Build().Run();
