using System.Text.Json;
using Xunit;

namespace Conduit.Abstractions.Tests;

public sealed class AgentEventFoldTests
{
    private static readonly RunnerSpec Claude = RunnerSpec.Parse("claude");

    [Fact]
    public async Task RunAsync_folds_the_stream_into_a_result()
    {
        var runner = new ScriptedRunner(
            new SessionStartedEvent { SessionId = "s1", Model = "m", CliVersion = "1.0" },
            new TextEvent { Text = "hel", IsDelta = true },
            new TextEvent { Text = "lo", IsDelta = true },
            new UsageEvent { Usage = new AgentUsage { InputTokens = 10, OutputTokens = 2, CostUsd = 0.5m } },
            new UsageEvent { Usage = new AgentUsage { InputTokens = 1, OutputTokens = 1 } },
            new ErrorEvent { Message = "boom", Code = "x" },
            new CompletedEvent { Outcome = AgentOutcome.Succeeded, ExitCode = 0, Duration = TimeSpan.FromSeconds(2) });

        var result = await runner.RunAsync(new AgentRequest { Prompt = "p", Runner = Claude });

        Assert.True(result.IsSuccess);
        Assert.Equal("s1", result.SessionId);
        Assert.Equal("1.0", result.CliVersion);
        Assert.Equal("hello", result.Text);
        Assert.Equal(11, result.Usage.InputTokens);
        Assert.Equal(3, result.Usage.OutputTokens);
        Assert.Equal(14, result.Usage.TotalTokens);
        Assert.Equal(0.5m, result.Usage.CostUsd);
        Assert.Single(result.Errors);
        Assert.Equal(7, result.Events.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Duration);
    }

    [Fact]
    public void A_whole_message_replaces_the_previous_text_and_the_completed_text_wins()
    {
        var fold = new AgentEventFold(Claude);
        fold.Add(new TextEvent { Text = "first" });
        fold.Add(new TextEvent { Text = "second" });
        Assert.Equal("second", fold.ToResult().Text);

        fold.Add(new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = "final" });
        Assert.Equal("final", fold.ToResult().Text);
    }

    [Fact]
    public void A_stream_without_a_completed_event_is_a_failure_with_a_reason()
    {
        var fold = new AgentEventFold(Claude);
        fold.Add(new TextEvent { Text = "partial" });

        var result = fold.ToResult();

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Contains("without a completed event", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_serialize_with_a_type_discriminator_and_the_raw_line_embedded_as_json()
    {
        AgentEvent agentEvent = new TextEvent { Text = "hi", RawRepresentation = "{\"type\":\"assistant\"}", LineNumber = 3 };

        var json = JsonSerializer.Serialize(agentEvent, ConduitJson.Options);

        using var document = JsonDocument.Parse(json);
        Assert.Equal("text", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("assistant", document.RootElement.GetProperty("raw").GetProperty("type").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("line").GetInt32());
    }

    [Fact]
    public void A_raw_line_that_is_not_json_serializes_as_a_string()
    {
        AgentEvent agentEvent = new RawEvent { RawRepresentation = "{not json" };

        var json = JsonSerializer.Serialize(agentEvent, ConduitJson.Options);

        Assert.Equal("{not json", JsonDocument.Parse(json).RootElement.GetProperty("raw").GetString());
    }

    [Theory]
    [InlineData("canceled", RunStatus.Cancelled)]
    [InlineData("cancelled", RunStatus.Cancelled)]
    [InlineData("timed_out", RunStatus.TimedOut)]
    public void Run_status_names_accept_both_spellings_of_cancelled(string name, RunStatus status)
    {
        Assert.Equal(status, RunStatusNames.Parse(name));
        Assert.Equal("canceled", RunStatus.Cancelled.ToName());
    }

    private sealed class ScriptedRunner(params AgentEvent[] events) : IAgentRunner
    {
        public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var agentEvent in events)
            {
                await Task.Yield();
                yield return agentEvent;
            }
        }
    }
}
