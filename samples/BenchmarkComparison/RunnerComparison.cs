using BenchmarkDotNet.Attributes;
using Conduit;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BenchmarkComparison;

/// <summary>The same prompt through each runner; each invocation is one agent run.</summary>
public class RunnerComparison
{
    private FakeModelServer? _fakeModel;
    private ServiceProvider? _services;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (ComparisonSettings.FakeModelReply is { } reply)
        {
            _fakeModel = await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text(reply) });
        }

        var services = new ServiceCollection();
        var conduit = services.AddConduit();
        if (_fakeModel is not null)
        {
            conduit.UseFakeModelServer(_fakeModel);
        }

        _services = services.BuildServiceProvider();
    }

    [Benchmark(Baseline = true)]
    public Task<AgentResult> Claude() => RunAsync(AgentProviders.Claude);

    [Benchmark]
    public Task<AgentResult> Codex() => RunAsync(AgentProviders.Codex);

    [Benchmark]
    public Task<AgentResult> Gemini() => RunAsync(AgentProviders.Gemini);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_fakeModel is not null)
        {
            await _fakeModel.DisposeAsync();
        }
    }

    private async Task<AgentResult> RunAsync(string provider)
    {
        var runner = new RunnerSpec(provider);
        var result = await _services!.GetRequiredService<IAgentRunnerFactory>().GetRunner(runner)
            .RunAsync(new AgentRequest { Prompt = ComparisonSettings.Prompt, Runner = runner, PermissionMode = AgentPermissionMode.ReadOnly });
        RunColumn.Record(provider, result);
        return result;
    }
}
