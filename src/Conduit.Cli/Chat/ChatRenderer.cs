using System.Globalization;
using System.Text.Json;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Chat;

/// <summary>How <c>conduit chat</c> prints a run.</summary>
internal enum ChatOutputFormat
{
    /// <summary>The agent's text as it arrives, tool calls on stderr, then a summary line on stderr.</summary>
    Text,

    /// <summary>One normalized event as JSON a line.</summary>
    Json,

    /// <summary>The provider's own stdout lines, verbatim (the original Conduit's output).</summary>
    Raw,
}

/// <summary>Writes a stream of agent events to the console in one of the <see cref="ChatOutputFormat"/>s.</summary>
internal sealed class ChatRenderer(CliEnvironment environment, ChatOutputFormat format)
{
    private bool _inDelta;
    private bool _wroteText;
    private int _lastRawLine;

    public void Write(AgentEvent agentEvent)
    {
        switch (format)
        {
            case ChatOutputFormat.Json:
                environment.Out.WriteLine(JsonSerializer.Serialize(agentEvent, ConduitJson.Options));
                break;
            case ChatOutputFormat.Raw:
                WriteRaw(agentEvent);
                break;
            default:
                WriteText(agentEvent);
                break;
        }

        environment.Out.Flush();
    }

    /// <summary>Ends the text stream and prints the one-line summary (text format only).</summary>
    public void Finish(AgentResult result)
    {
        if (format != ChatOutputFormat.Text)
        {
            return;
        }

        EndDelta();
        environment.Error.WriteLine(Summarize(result));
    }

    public static string Summarize(AgentResult result)
    {
        var usage = result.Usage;
        var cost = usage.CostUsd is { } value
            ? string.Create(CultureInfo.InvariantCulture, $"${value:0.0000}{(usage.IsCostEstimated ? " (estimated)" : "")}")
            : "n/a";
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"[conduit] {result.Outcome.ToName()} runner={result.Runner} session={result.SessionId ?? "-"} duration={result.Duration.TotalSeconds:0.0}s tokens=in {usage.InputTokens} | out {usage.OutputTokens} | cached {usage.CachedInputTokens} cost={cost}");
        return result.IsSuccess || string.IsNullOrEmpty(result.Reason) ? summary : $"{summary} reason={result.Reason}";
    }

    private void WriteText(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case TextEvent { IsDelta: true } delta:
                environment.Out.Write(delta.Text);
                _inDelta = true;
                _wroteText = true;
                break;
            case TextEvent whole:
                EndDelta();
                if (_wroteText)
                {
                    environment.Out.WriteLine();
                }

                environment.Out.WriteLine(whole.Text.TrimEnd('\n'));
                _wroteText = true;
                break;
            case ToolCallStartedEvent tool:
                EndDelta();
                environment.Error.WriteLine($"[tool] {tool.Name} {Compact(tool.Input)}");
                break;
            case ToolCallCompletedEvent { Status: not ToolCallStatus.Succeeded } tool:
                EndDelta();
                environment.Error.WriteLine($"[tool] {tool.Name ?? tool.CallId} {tool.Status.ToString().ToLowerInvariant()}");
                break;
            case WarningEvent warning:
                EndDelta();
                environment.Error.WriteLine($"[warning] {warning.Message}");
                break;
            case ErrorEvent error:
                EndDelta();
                environment.Error.WriteLine($"[error] {error.Message}");
                break;
        }
    }

    private void WriteRaw(AgentEvent agentEvent)
    {
        if (agentEvent.LineNumber is not { } line || line <= _lastRawLine || agentEvent.RawRepresentation is null)
        {
            return;
        }

        _lastRawLine = line;
        environment.Out.WriteLine(agentEvent.RawRepresentation);
    }

    private void EndDelta()
    {
        if (_inDelta)
        {
            environment.Out.WriteLine();
            _inDelta = false;
        }
    }

    private static string Compact(JsonElement? input)
    {
        if (input is not { } element)
        {
            return "";
        }

        var text = element.GetRawText();
        return text.Length <= 160 ? text : string.Concat(text.AsSpan(0, 160), "...");
    }
}
