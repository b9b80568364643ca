using Conduit.Runners.Tests.Infrastructure;
using Conduit.Runners.Tests.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Runners.Tests.Runners;

public sealed class RunnerLoggingTests
{
    [Fact]
    public async Task A_run_logs_its_start_and_end_but_not_the_prompt_or_environment_above_trace()
    {
        var logs = new RecordingLoggerFactory();
        using var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(logs)
            .AddConduit(b => b.ConfigureRunner("claude", o =>
            {
                o.ExecutablePath = FakeAgent.ExecutablePath;
                o.Environment["FAKE_AGENT_REPLAY"] = Capture.PathOf("claude-text");
                o.Environment["SOME_VALUE"] = "environment-value-123";
            }))
            .Services.BuildServiceProvider();

        await services.GetRequiredKeyedService<IAgentRunner>("claude").RunAsync(new AgentRequest { Prompt = "secret prompt text", Runner = new RunnerSpec("claude") });

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Starting claude run", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("run ended: Succeeded", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("secret prompt text", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level > LogLevel.Trace && e.Message.Contains("secret prompt text", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("environment-value-123", StringComparison.Ordinal));
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
