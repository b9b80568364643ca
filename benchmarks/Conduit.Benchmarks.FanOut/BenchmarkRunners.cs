using Conduit.FanOut;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// The runners to compare and the services that run them. <c>CONDUIT_BENCH_RUNNERS</c> lists the runners
/// (comma-separated specs, default <c>claude,codex,gemini</c>). <c>CONDUIT_BENCH_MODE</c> is
/// <list type="bullet">
/// <item><c>fake</c> (default): each provider's CLI is the fake agent replaying its real capture with its own answer and pace;</item>
/// <item><c>fake-model</c>: the real CLIs (from <c>CONDUIT_AGENT_CLIS_DIR</c>, else <c>.tools/agent-clis</c> as
/// scripts/install-agent-clis.sh installs them) against the fake model API, each provider scripted with its own answer;</item>
/// <item><c>real</c>: the CLIs installed on this machine with their own logins and keys (this costs money).</item>
/// </list>
/// </summary>
public sealed class BenchmarkRunners : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Answers = new(StringComparer.Ordinal)
    {
        [AgentProviders.Claude] = "42",
        [AgentProviders.Codex] = "The answer is 42.",
        [AgentProviders.Gemini] = "41",
        [AgentProviders.Cursor] = "42",
    };

    private readonly FakeModelServer? _server;

    private BenchmarkRunners(ServiceProvider services, FakeModelServer? server)
    {
        Services = services;
        _server = server;
    }

    /// <summary>The services: the runners and the fan-out.</summary>
    public ServiceProvider Services { get; }

    /// <summary>The mode from <c>CONDUIT_BENCH_MODE</c>: <c>fake</c>, <c>fake-model</c> or <c>real</c>.</summary>
    public static string Mode => Environment.GetEnvironmentVariable("CONDUIT_BENCH_MODE")?.ToLowerInvariant() switch
    {
        "real" => "real",
        "fake-model" => "fake-model",
        _ => "fake",
    };

    /// <summary>The runner specs, the parameter source of the benchmarks.</summary>
    public static IEnumerable<FanOutRunner> FromEnvironment()
    {
        var list = Environment.GetEnvironmentVariable("CONDUIT_BENCH_RUNNERS") is { Length: > 0 } text ? text : "claude,codex,gemini";
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FanOutRunner.Parse).ToArray();
    }

    /// <summary>Creates the services for <see cref="Mode"/>.</summary>
    public static async Task<BenchmarkRunners> CreateAsync(string scratchDirectory)
    {
        var services = new ServiceCollection();
        services.AddConduitFanOut();
        switch (Mode)
        {
            case "real":
                services.AddConduit();
                return new BenchmarkRunners(services.BuildServiceProvider(), null);
            case "fake-model":
                var server = await FakeModelServer.StartAsync().ConfigureAwait(false);
                services.AddConduit().UseFakeModelServer(server, options => options.UseExecutablesFrom(AgentClisDirectory()));
                return new BenchmarkRunners(services.BuildServiceProvider(), server);
            default:
                var fakeAgent = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
                services.AddConduit(builder => builder
                    .ConfigureRunner("claude", o => Fake(o, fakeAgent, Script(scratchDirectory, "claude-text", Answers["claude"]), delayMs: 40))
                    .ConfigureRunner("codex", o => Fake(o, fakeAgent, Script(scratchDirectory, "codex-text", Answers["codex"]), delayMs: 80))
                    .ConfigureRunner("gemini", o => Fake(o, fakeAgent, Script(scratchDirectory, "gemini-text", Answers["gemini"]), delayMs: 15)));
                return new BenchmarkRunners(services.BuildServiceProvider(), null);
        }
    }

    /// <summary>Before a trial of <paramref name="runner"/>: in <c>fake-model</c> mode, scripts its provider's answer.</summary>
    public void PrepareTrial(FanOutRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _server?.ScriptFor(runner.Spec.Provider).Enqueue(FakeTurn.Text(Answers[runner.Spec.Provider]));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string AgentClisDirectory()
    {
        var root = Environment.GetEnvironmentVariable("CONDUIT_AGENT_CLIS_DIR");
        if (string.IsNullOrEmpty(root))
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Conduit.Sdk.sln")))
                {
                    root = Path.Combine(directory.FullName, ".tools", "agent-clis");
                    break;
                }
            }
        }

        var bin = Path.Combine(root ?? ".tools/agent-clis", "node_modules", ".bin");
        return Directory.Exists(bin)
            ? bin
            : throw new InvalidOperationException($"CONDUIT_BENCH_MODE=fake-model needs the agent CLIs in {bin}: run scripts/install-agent-clis.sh (or set CONDUIT_AGENT_CLIS_DIR).");
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
