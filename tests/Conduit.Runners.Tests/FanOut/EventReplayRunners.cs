using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Conduit.Runners.Processes;
using Conduit.Runners.Tests.Infrastructure;

namespace Conduit.Runners.Tests.FanOut;

/// <summary>
/// Runners that start the real fake agent (a real process per trial) and read its stdout as Conduit's own event JSON,
/// one <see cref="AgentEvent"/> a line: the fan-out is tested with real processes, worktrees and timing, independently
/// of any CLI's stream format. Each provider gets its own FAKE_AGENT_* environment, as AgentRunnerOptions.Environment
/// gives the real runners.
/// </summary>
internal sealed class EventReplayRunners : IAgentRunnerFactory
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string?>> _environments = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Providers => _environments.Keys.ToArray();

    /// <summary>Every request the runners received, in order.</summary>
    public List<AgentRequest> Requests { get; } = [];

    public EventReplayRunners Add(string provider, IReadOnlyDictionary<string, string?> environment)
    {
        _environments[provider] = environment;
        return this;
    }

    public IAgentRunner GetRunner(RunnerSpec spec) =>
        _environments.TryGetValue(spec.Provider, out var environment)
            ? new Runner(this, environment)
            : throw new UnknownProviderException(spec.Provider);

    private sealed class Runner(EventReplayRunners owner, IReadOnlyDictionary<string, string?> providerEnvironment) : IAgentRunner
    {
        public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            lock (owner.Requests)
            {
                owner.Requests.Add(request);
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                environment[(string)entry.Key] = (string?)entry.Value ?? "";
            }

            foreach (var (name, value) in providerEnvironment.Concat(request.Environment ?? new Dictionary<string, string?>()))
            {
                if (value is null)
                {
                    environment.Remove(name);
                }
                else
                {
                    environment[name] = value;
                }
            }

            var options = new ChildProcessOptions
            {
                Executable = FakeAgent.ExecutablePath,
                Arguments = ["-p", request.Prompt],
                WorkingDirectory = request.WorkingDirectory,
                Environment = environment,
                Timeout = request.Timeout,
            };
            var completed = false;
            await foreach (var output in ChildProcess.RunAsync(options, cancellationToken))
            {
                switch (output)
                {
                    case StandardOutputLine line when !completed:
                        var agentEvent = JsonSerializer.Deserialize<AgentEvent>(line.Text, ConduitJson.Options)!;
                        completed = agentEvent is CompletedEvent;
                        yield return agentEvent;
                        break;
                    case ChildProcessExited exited when !completed:
                        yield return new CompletedEvent
                        {
                            Outcome = exited.Termination switch
                            {
                                ChildProcessTermination.Cancelled => AgentOutcome.Cancelled,
                                ChildProcessTermination.Exited when exited.ExitCode == 0 => AgentOutcome.Succeeded,
                                ChildProcessTermination.Exited => AgentOutcome.Failed,
                                _ => AgentOutcome.TimedOut,
                            },
                            ExitCode = exited.ExitCode,
                            Duration = exited.Duration,
                        };
                        break;
                }
            }
        }
    }
}

/// <summary>Replay files of Conduit event JSON for the fake agent.</summary>
internal static class EventScript
{
    /// <summary>A run that starts a session, says <paramref name="answer"/>, reports usage and succeeds.</summary>
    public static string Answer(string directory, string name, string answer, decimal? costUsd = null, long inputTokens = 100, long outputTokens = 20)
    {
        AgentEvent[] events =
        [
            new SessionStartedEvent { SessionId = "session-" + name, Model = name + "-model" },
            new TextEvent { Text = answer },
            new UsageEvent { Usage = new AgentUsage { InputTokens = inputTokens, OutputTokens = outputTokens, CostUsd = costUsd } },
            new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = answer, Reason = "end_turn", ExitCode = 0 },
        ];
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".jsonl");
        File.WriteAllLines(path, events.Select(e => JsonSerializer.Serialize(e, ConduitJson.Options)));
        return path;
    }
}

/// <summary>Replay files of Conduit event JSON that start a session and then say nothing more (pair with FAKE_AGENT_HANG).</summary>
internal static class HangingScript
{
    public static string Create(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + "-hanging.jsonl");
        File.WriteAllText(path, JsonSerializer.Serialize<AgentEvent>(new SessionStartedEvent { SessionId = "session-" + name }, ConduitJson.Options) + "\n");
        return path;
    }
}

/// <summary>A temporary directory, deleted at the end of the test.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Path = Directory.CreateTempSubdirectory("conduit-fanout-test-").FullName;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
