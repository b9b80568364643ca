using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Runners.Benchmarks;

/// <summary>
/// What <see cref="IAgentRunner"/> adds to an agent run: the fake agent prints <see cref="Events"/> Claude stream-json
/// lines and exits, run once through the Claude runner (own session, environment, tree check at exit, parsing into
/// events) and once started by hand with <see cref="Process"/> and read line by line (the baseline). The ratio of the
/// two medians is the runner's overhead.
/// </summary>
[Config(typeof(RunnerOverheadBenchmarkConfig))]
public class RunnerOverheadBenchmarks
{
    private string _scratch = "";
    private string _replay = "";
    private ServiceProvider? _services;
    private IAgentRunner? _runner;
    private AgentRequest? _request;

    /// <summary>Assistant lines the fake agent prints (plus its init and result lines).</summary>
    [Params(10, 1000)]
    public int Events { get; set; }

    private static string FakeAgent => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");

    [GlobalSetup]
    public void Setup()
    {
        _scratch = Directory.CreateTempSubdirectory("conduit-runner-bench-").FullName;
        _replay = Path.Combine(_scratch, "stream.jsonl");
        File.WriteAllText(_replay, Stream(Events));

        var services = new ServiceCollection();
        services.AddConduit(builder => builder.ConfigureRunner("claude", options =>
        {
            options.ExecutablePath = FakeAgent;
            options.ProbeVersion = false;
            options.Environment["FAKE_AGENT_REPLAY"] = _replay;
        }));
        _services = services.BuildServiceProvider();
        _runner = _services.GetRequiredService<IAgentRunnerFactory>().GetRunner(RunnerSpec.Parse("claude"));
        _request = new AgentRequest { Prompt = "benchmark", Runner = RunnerSpec.Parse("claude"), WorkingDirectory = _scratch };
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>
    /// The fake agent started with <see cref="Process"/>, stdout read line by line to the end with blocking reads on
    /// this thread (the cheapest way to read a child: no thread-pool hop per line), stderr drained alongside. Started
    /// through <c>setsid</c> as the runner starts it: with the kernel's autogroup scheduling a new session gets its own
    /// CPU share, so on a busy machine a child in the caller's session starts far slower and the runner would look
    /// faster than the baseline for a reason that has nothing to do with its own cost.
    /// </summary>
    [Benchmark(Baseline = true)]
    public int ProcessByHand()
    {
        var startInfo = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : FakeAgent)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _scratch,
        };
        if (startInfo.FileName != FakeAgent)
        {
            startInfo.ArgumentList.Add(FakeAgent);
        }

        startInfo.ArgumentList.Add("-p");
        startInfo.ArgumentList.Add("benchmark");
        startInfo.Environment["FAKE_AGENT_REPLAY"] = _replay;
        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var standardError = process.StandardError.ReadToEndAsync();
        var lines = 0;
        while (process.StandardOutput.ReadLine() is not null)
        {
            lines++;
        }

        standardError.GetAwaiter().GetResult();
        process.WaitForExit();
        return lines;
    }

    /// <summary>The same agent through the Claude runner, every event consumed.</summary>
    [Benchmark]
    public async Task<int> ThroughRunner()
    {
        var events = 0;
        await foreach (var agentEvent in _runner!.StreamAsync(_request!))
        {
            events++;
            if (agentEvent is CompletedEvent { Outcome: not AgentOutcome.Succeeded } completed)
            {
                throw new InvalidOperationException($"The fake agent run ended {completed.Outcome}: {completed.Reason}");
            }
        }

        return events;
    }

    private static string Stream(int events)
    {
        var text = new StringBuilder();
        text.Append("""{"type":"system","subtype":"init","cwd":"/tmp","session_id":"bench-session","model":"claude-opus-4-8","tools":["Bash","Read"],"claude_code_version":"2.1.197"}""").Append('\n');
        for (var i = 0; i < events; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $$$"""{"type":"assistant","message":{"id":"msg_{{{i}}}","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"event {{{i}}} of the benchmark stream"}],"stop_reason":null,"usage":{"input_tokens":100,"output_tokens":1}},"session_id":"bench-session"}""").Append('\n');
        }

        text.Append("""{"type":"result","subtype":"success","is_error":false,"duration_ms":10,"num_turns":1,"result":"done","stop_reason":"end_turn","session_id":"bench-session","total_cost_usd":0.001,"usage":{"input_tokens":100,"output_tokens":10}}""").Append('\n');
        return text.ToString();
    }
}
