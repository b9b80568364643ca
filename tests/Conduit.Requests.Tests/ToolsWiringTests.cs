using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Requests.Tests;

public sealed class ToolsWiringTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Agent_chat_runs_the_prompt_through_the_registered_runner()
    {
        var runner = new FakeAgentRunner();
        var processor = _workspace.Processor(agents: new FakeAgentRunnerFactory(runner));
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Profile = PermissionProfile.EditWithConfirmation });
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "agent.chat", "{\"prompt\":\"summarize\",\"runner\":\"codex/gpt-5\",\"permissionMode\":\"accept-edits\"}")}]", sessionId: session.SessionId, nonce: session.CurrentNonce));
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Tool requires confirmation: agent.chat", evaluation.Reason);
        var approval = processor.CreateReview(request, evaluation).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["a"]);

        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.Equal("ok", result.Status);
        Assert.Equal("summary: summarize", (string?)result.Content);
        Assert.Equal("codex/gpt-5", (string?)result.Metadata!["runner"]);
        Assert.Equal(AgentPermissionMode.AcceptEdits, runner.LastRequest!.PermissionMode);
        Assert.Equal(_workspace.Root, runner.LastRequest.WorkingDirectory);
    }

    [Fact]
    public async Task Agent_chat_full_access_is_denied_below_shell_manual()
    {
        var processor = _workspace.Processor(agents: new FakeAgentRunnerFactory(new FakeAgentRunner()));
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Profile = PermissionProfile.EditWithConfirmation });
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "agent.chat", "{\"prompt\":\"x\",\"permissionMode\":\"full-access\"}")}]", sessionId: session.SessionId, nonce: session.CurrentNonce));
        Assert.Equal("Agent permission mode full-access is not allowed by edit-with-confirmation profile.", (await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Reason);
    }

    [Fact]
    public async Task Agent_chat_without_runners_is_an_error_not_a_crash()
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Profile = PermissionProfile.ShellManual });
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "agent.chat", "{\"prompt\":\"x\"}")}]", sessionId: session.SessionId, nonce: session.CurrentNonce));
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["a"]);
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.Equal("error", result.Status);
        Assert.Contains("IAgentRunnerFactory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_start_submits_through_the_orchestrator()
    {
        var orchestrator = new FakeRunOrchestrator();
        var processor = _workspace.Processor(orchestrator: orchestrator);
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Profile = PermissionProfile.EditWithConfirmation });
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("r", "runs.start", "{\"project\":\"web\",\"policy\":\"fix-tests\",\"input\":{\"issue\":7}}")}]", sessionId: session.SessionId, nonce: session.CurrentNonce));
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["r"]);
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.Equal("ok", result.Status);
        Assert.Equal("run_1", (string?)result.Content!["runId"]);
        Assert.Equal("queued", (string?)result.Content["status"]);
        Assert.Equal("fix-tests", orchestrator.Submitted!.PolicyId);
        Assert.Equal(7, (int)orchestrator.Submitted.Input["issue"]!);
    }

    [Fact]
    public void AddConduitRequests_registers_a_processor_and_validates_options()
    {
        var services = new ServiceCollection();
        services.AddConduitRequests(o =>
        {
            o.StateDirectory = _workspace.State;
            o.AllowedRoots = [_workspace.Root];
        });
        services.AddConduitRequests();
        using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<RequestProcessor>();
        Assert.Same(processor.Sessions, provider.GetRequiredService<RequestSessionStore>());

        var bad = new ServiceCollection();
        bad.AddConduitRequests(o => o.MaxActionsPerRequest = 0);
        using var badProvider = bad.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<RequestProcessor>());
    }

    private sealed class FakeAgentRunner : IAgentRunner
    {
        public AgentRequest? LastRequest { get; private set; }

        public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            LastRequest = request;
            await Task.Yield();
            yield return new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = "summary: " + request.Prompt };
        }
    }

    private sealed class FakeAgentRunnerFactory(IAgentRunner runner) : IAgentRunnerFactory
    {
        public IReadOnlyList<string> Providers => AgentProviders.All;

        public IAgentRunner GetRunner(RunnerSpec spec) => runner;
    }

    private sealed class FakeRunOrchestrator : IRunOrchestrator
    {
        public RunSubmission? Submitted { get; private set; }

        public Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default)
        {
            Submitted = submission;
            return Task.FromResult(new RunRecord { RunId = "run_1", ProjectId = submission.ProjectId, PolicyId = submission.PolicyId, Status = RunStatus.Queued, CreatedAt = DateTimeOffset.UnixEpoch });
        }

        public Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
