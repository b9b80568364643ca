using BenchmarkDotNet.Attributes;
using Conduit.FanOut;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// Compares runners on one task: each invocation is one trial (an agent run plus the verifier), timed by
/// BenchmarkDotNet; tokens, cost and pass rate come from the trials through <see cref="TrialMetricColumn"/>.
/// The task: <c>CONDUIT_BENCH_PROMPT</c>; the verifier: <c>CONDUIT_BENCH_VERIFY</c> (a shell command, exit 0 passes).
/// </summary>
[Config(typeof(FanOutBenchmarkConfig))]
public class RunnerComparisonBenchmarks
{
    private string _scratch = "";
    private BenchmarkRunners? _runners;
    private AgentFanOut? _fanOut;

    /// <summary>The runner under test.</summary>
    [ParamsSource(nameof(Runners))]
    public FanOutRunner Runner { get; set; } = FanOutRunner.Parse("claude");

    /// <summary>The parameter source: the runner specs from <c>CONDUIT_BENCH_RUNNERS</c>.</summary>
    public static IEnumerable<FanOutRunner> Runners => BenchmarkRunners.FromEnvironment();

    [GlobalSetup]
    public async Task Setup()
    {
        _scratch = Directory.CreateTempSubdirectory("conduit-bench-").FullName;
        _runners = await BenchmarkRunners.CreateAsync(_scratch);
        _fanOut = _runners.Services.GetRequiredService<AgentFanOut>();
    }

    [Benchmark(Description = "one trial")]
    public async Task<TrialResult> Trial()
    {
        _runners!.PrepareTrial(Runner);
        var result = await _fanOut!.RunAsync(new FanOutRequest
        {
            Tasks = [FanOutTask.Chat(Environment.GetEnvironmentVariable("CONDUIT_BENCH_PROMPT") ?? "What is 6 x 7? Answer with the number only.")],
            Runners = [Runner],
            WorkingDirectory = _scratch,
            Workspaces = FanOutWorkspaceMode.Shared,
            PermissionMode = AgentPermissionMode.ReadOnly,
            VerifyCommand = Environment.GetEnvironmentVariable("CONDUIT_BENCH_VERIFY") ?? "grep -q 42 \"$CONDUIT_FINAL_TEXT_FILE\"",
        });
        var trial = result.Trials[0];
        TrialMetrics.Record(Runner.ToString(), trial);
        return trial;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_runners is not null)
        {
            await _runners.DisposeAsync();
        }

        Directory.Delete(_scratch, recursive: true);
    }
}
