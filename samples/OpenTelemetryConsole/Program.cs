using Conduit;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// One agent run with Conduit's traces, metrics and logs exported by OpenTelemetry to the console.
//   OpenTelemetryConsole "<prompt>" [--runner <provider[/model]>] [--fake-model "<reply>"]
// In production, swap AddConsoleExporter() for AddOtlpExporter() (package OpenTelemetry.Exporter.OpenTelemetryProtocol).
var prompt = "Say hello";
var runner = AgentProviders.Claude;
var fakeReply = (string?)null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runner" when i + 1 < args.Length:
            runner = args[++i];
            break;
        case "--fake-model" when i + 1 < args.Length:
            fakeReply = args[++i];
            break;
        default:
            prompt = args[i];
            break;
    }
}

await using var fakeModel = fakeReply is null
    ? null
    : await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text(fakeReply) });

var builder = Host.CreateApplicationBuilder();
var conduit = builder.Services.AddConduit();
if (fakeModel is not null)
{
    conduit.UseFakeModelServer(fakeModel);
}

builder.Logging.ClearProviders();
builder.Logging.AddOpenTelemetry(logging => logging.AddConsoleExporter());
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("OpenTelemetryConsole"))
    .WithTracing(tracing => tracing
        .AddSource(ConduitTelemetry.ActivitySourceName)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(ConduitTelemetry.MeterName)
        .AddConsoleExporter());

using (var host = builder.Build())
{
    await host.StartAsync();
    var agent = host.Services.GetRequiredService<IAgentRunnerFactory>().GetRunner(RunnerSpec.Parse(runner));
    var result = await agent.RunAsync(new AgentRequest { Prompt = prompt, Runner = RunnerSpec.Parse(runner) });
    Console.WriteLine($"{runner}: {result.Outcome}: {result.Text}");
    await host.StopAsync();
} // disposing the host flushes the metrics (the exporter otherwise writes every 60 seconds)

return 0;
