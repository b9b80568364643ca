using Conduit.FanOut;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// The runners to compare and the services that run them. <c>CONDUIT_BENCH_RUNNERS</c> lists the runners
/// (comma-separated specs, default <c>claude,codex,gemini</c>). <c>CONDUIT_BENCH_MODE</c> is <c>fake</c> (default:
/// each provider's CLI is the fake agent replaying its real capture with its own answer and pace) or <c>real</c> (the
/// CLIs installed on this machine, with their own logins and keys: this costs money).
/// </summary>
public static class BenchmarkRunners
{
    /// <summary>The runner specs, the parameter source of the benchmarks.</summary>
    public static IEnumerable<FanOutRunner> FromEnvironment()
    {
        var list = Environment.GetEnvironmentVariable("CONDUIT_BENCH_RUNNERS") is { Length: > 0 } text ? text : "claude,codex,gemini";
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FanOutRunner.Parse).ToArray();
    }

    /// <summary>Whether the real CLIs are benchmarked.</summary>
    public static bool IsReal => string.Equals(Environment.GetEnvironmentVariable("CONDUIT_BENCH_MODE"), "real", StringComparison.OrdinalIgnoreCase);

    /// <summary>The services: the runners (fake or real) and the fan-out.</summary>
    public static ServiceProvider CreateServices(string scratchDirectory)
    {
        var services = new ServiceCollection();
        if (IsReal)
        {
            services.AddConduit();
        }
        else
        {
            var fakeAgent = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
            services.AddConduit(builder => builder
                .ConfigureRunner("claude", o => Fake(o, fakeAgent, Script(scratchDirectory, "claude-text", "42"), delayMs: 40))
                .ConfigureRunner("codex", o => Fake(o, fakeAgent, Script(scratchDirectory, "codex-text", "The answer is 42."), delayMs: 80))
                .ConfigureRunner("gemini", o => Fake(o, fakeAgent, Script(scratchDirectory, "gemini-text", "41"), delayMs: 15)));
        }

        services.AddConduitFanOut();
        return services.BuildServiceProvider();
    }

    private static void Fake(Conduit.Runners.AgentRunnerOptions options, string fakeAgent, string script, int delayMs)
    {
        options.ExecutablePath = fakeAgent;
        options.ProbeVersion = false;
        options.Environment["FAKE_AGENT_REPLAY"] = script;
        options.Environment["FAKE_AGENT_DELAY_MS"] = delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // The provider's real capture, saying this provider's answer.
    private static string Script(string directory, string capture, string answer)
    {
        var path = Path.Combine(directory, capture + ".jsonl");
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Captures", capture + ".jsonl"));
        File.WriteAllText(path, text.Replace("hello from fake model", answer, StringComparison.Ordinal));
        return path;
    }
}
