using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Testing.Tests;

/// <summary>A service provider whose runners are pointed at a fresh fake model server with one call, and a fresh working directory.</summary>
internal sealed class ConduitWithFakeModel : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ConduitWithFakeModel(FakeModelServer server, ServiceProvider services, string workingDirectory)
    {
        Server = server;
        _services = services;
        WorkingDirectory = workingDirectory;
    }

    public FakeModelServer Server { get; }

    public string WorkingDirectory { get; }

    public IAgentRunner Runner => _services.GetRequiredService<IAgentRunner>();

    public static async Task<ConduitWithFakeModel> StartAsync()
    {
        var server = await FakeModelServer.StartAsync();
        var services = new ServiceCollection();
        foreach (var provider in FakeModelEnvironment.Providers)
        {
            AgentClis.Executable(provider); // fails the test with the install hint when a CLI is missing
        }

        services.AddConduit().UseFakeModelServer(server, options => options.UseExecutablesFrom(Path.Combine(AgentClis.InstallDirectory, "node_modules", ".bin")));
        var workingDirectory = Directory.CreateTempSubdirectory("conduit-fake-work-").FullName;
        return new ConduitWithFakeModel(server, services.BuildServiceProvider(validateScopes: true), workingDirectory);
    }

    public AgentRequest Request(string provider, string prompt) => new()
    {
        Prompt = prompt,
        Runner = new RunnerSpec(provider, provider == AgentProviders.Gemini ? "gemini-2.5-flash" : null),
        WorkingDirectory = WorkingDirectory,
        Timeout = TimeSpan.FromSeconds(90),
    };

    public string Describe(AgentResult result) =>
        $"outcome {result.Outcome} exit {result.ExitCode} reason {result.Reason}\nevents: {string.Join(", ", result.Events.Select(e => e.GetType().Name))}\n"
        + $"errors: {string.Join("; ", result.Errors.Select(e => e.Message))}\nrequests: {string.Join("; ", Server.Requests)}\nblocked: {string.Join("; ", Server.BlockedConnections)}";

    public void AssertOnlyTheFakeModelApiWasContacted()
    {
        Assert.True(Server.UnexpectedRequests.Count == 0, "Unexpected requests: " + string.Join("; ", Server.UnexpectedRequests));
        Assert.True(Server.BlockedConnections.Count == 0, "Connections to other hosts: " + string.Join("; ", Server.BlockedConnections));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

// The same scenarios as ConformanceTests.cs, but through Conduit: AddConduit().UseFakeModelServer(server) and IAgentRunner.

public sealed class RunnerTextConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task A_text_reply_succeeds_with_that_text_and_a_session(string provider)
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        conduit.Server.Script.Enqueue(FakeTurn.Text("hello from conduit"));

        var result = await conduit.Runner.RunAsync(conduit.Request(provider, "say hello"));

        Assert.True(result.IsSuccess, conduit.Describe(result));
        Assert.Equal("hello from conduit", result.Text);
        Assert.False(string.IsNullOrEmpty(result.SessionId));
        Assert.Single(conduit.Server.ModelRequests);
        Assert.Equal(provider, conduit.Server.ModelRequests[0].Provider);
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }

    [Fact]
    public async Task The_three_CLIs_give_the_same_normalized_events_for_a_text_reply()
    {
        var runs = FakeModelEnvironment.Providers.Select(async provider =>
        {
            await using var conduit = await ConduitWithFakeModel.StartAsync();
            conduit.Server.Script.Enqueue(FakeTurn.Text("hello from conduit"));
            var result = await conduit.Runner.RunAsync(conduit.Request(provider, "say hello"));
            return (provider, result);
        });

        var results = await Task.WhenAll(runs);

        var shapes = results.ToDictionary(r => r.provider, r => Shape(r.result));
        var claude = shapes[AgentProviders.Claude];
        Assert.All(shapes, shape => Assert.True(
            shape.Value.SequenceEqual(claude),
            $"{shape.Key}: {string.Join(", ", shape.Value)}\nclaude: {string.Join(", ", claude)}"));
        Assert.All(results, r => Assert.Equal(AgentOutcome.Succeeded, r.result.Outcome));
    }

    /// <summary>The kinds of events, without raw and warning events, with runs of text deltas collapsed.</summary>
    private static string[] Shape(AgentResult result)
    {
        var kinds = new List<string>();
        foreach (var agentEvent in result.Events)
        {
            if (agentEvent is RawEvent or WarningEvent)
            {
                continue;
            }

            var kind = agentEvent.GetType().Name;
            if (kinds.Count == 0 || kinds[^1] != kind || kind != nameof(TextEvent))
            {
                kinds.Add(kind);
            }
        }

        return kinds.ToArray();
    }
}

public sealed class RunnerToolConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task Accepting_edits_lets_the_write_tool_create_the_file(string provider)
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        conduit.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done: wrote hello.txt"));
        var request = conduit.Request(provider, "create hello.txt");

        var result = await conduit.Runner.RunAsync(new AgentRequest
        {
            Prompt = request.Prompt,
            Runner = request.Runner,
            WorkingDirectory = request.WorkingDirectory,
            Timeout = request.Timeout,
            PermissionMode = AgentPermissionMode.AcceptEdits,
        });

        Assert.True(result.IsSuccess, conduit.Describe(result));
        Assert.Equal("hello from tool\n", File.ReadAllText(Path.Combine(conduit.WorkingDirectory, "hello.txt")));
        Assert.Equal("done: wrote hello.txt", result.Text);
        Assert.Contains(result.Events, e => e is ToolCallStartedEvent);
        Assert.Contains(result.Events, e => e is ToolCallCompletedEvent { Status: ToolCallStatus.Succeeded });
        Assert.Equal(2, conduit.Server.ModelRequests.Count);
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }

    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task Read_only_refuses_the_write_as_permission_denied(string provider)
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        conduit.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done: tried"));
        var request = conduit.Request(provider, "create hello.txt");

        var result = await conduit.Runner.RunAsync(new AgentRequest
        {
            Prompt = request.Prompt,
            Runner = request.Runner,
            WorkingDirectory = request.WorkingDirectory,
            Timeout = request.Timeout,
            PermissionMode = AgentPermissionMode.ReadOnly,
        });

        Assert.False(File.Exists(Path.Combine(conduit.WorkingDirectory, "hello.txt")), conduit.Describe(result));
        if (provider == AgentProviders.Codex)
        {
            // Codex 0.169 with `-s read-only` runs the command in its read-only sandbox but does not reliably print the
            // failed command_execution item on --json, so the runner cannot always see
            // the refusal: the outcome is PermissionDenied or Succeeded. The model did get the refusal.
            Assert.True(result.Outcome is AgentOutcome.PermissionDenied or AgentOutcome.Succeeded, conduit.Describe(result));
            Assert.Contains("Read-only file system", conduit.Server.ModelRequests[1].BodyText, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.Outcome == AgentOutcome.PermissionDenied, conduit.Describe(result));
        }
        Assert.DoesNotContain(result.Events, e => e is ToolCallCompletedEvent { Status: ToolCallStatus.Succeeded });
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }
}

public sealed class RunnerFailureConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude, 401)]
    [InlineData(AgentProviders.Claude, 500)]
    [InlineData(AgentProviders.Codex, 401)]
    [InlineData(AgentProviders.Codex, 500)]
    [InlineData(AgentProviders.Gemini, 401)]
    [InlineData(AgentProviders.Gemini, 500)]
    public async Task A_model_API_error_ends_the_run_as_auth_required_or_api_error_with_an_error_event(string provider, int status)
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            conduit.Server.Script.Enqueue(FakeTurn.Error(status));
        }

        var result = await conduit.Runner.RunAsync(conduit.Request(provider, "say hello"));

        Assert.True(result.Outcome == (status == 401 ? AgentOutcome.AuthRequired : AgentOutcome.ApiError), conduit.Describe(result));
        Assert.NotEmpty(result.Errors);
        Assert.Single(conduit.Server.ModelRequests);
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }

    [Fact]
    public async Task Claude_stops_at_the_turn_limit()
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        conduit.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done"));
        var request = conduit.Request(AgentProviders.Claude, "create hello.txt");

        var result = await conduit.Runner.RunAsync(new AgentRequest
        {
            Prompt = request.Prompt,
            Runner = request.Runner,
            WorkingDirectory = request.WorkingDirectory,
            Timeout = request.Timeout,
            PermissionMode = AgentPermissionMode.AcceptEdits,
            MaxTurns = 1,
        });

        Assert.Equal(AgentOutcome.MaxTurns, result.Outcome);
        Assert.Single(conduit.Server.ModelRequests);
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }
}

public sealed class RunnerResumeConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task Resuming_by_session_id_continues_the_conversation(string provider)
    {
        await using var conduit = await ConduitWithFakeModel.StartAsync();
        conduit.Server.Script.Enqueue(FakeTurn.Text("the word is banana"), FakeTurn.Text("you said banana"));

        var first = await conduit.Runner.RunAsync(conduit.Request(provider, "remember the word banana"));
        Assert.True(first.IsSuccess && first.SessionId is not null, conduit.Describe(first));
        var request = conduit.Request(provider, "which word was it?");
        var second = await conduit.Runner.RunAsync(new AgentRequest
        {
            Prompt = request.Prompt,
            Runner = request.Runner,
            WorkingDirectory = request.WorkingDirectory,
            Timeout = request.Timeout,
            ResumeSessionId = first.SessionId,
        });

        Assert.True(second.IsSuccess, conduit.Describe(second));
        Assert.Equal("you said banana", second.Text);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Contains("the word is banana", conduit.Server.ModelRequests[1].BodyText, StringComparison.Ordinal);
        conduit.AssertOnlyTheFakeModelApiWasContacted();
    }
}
