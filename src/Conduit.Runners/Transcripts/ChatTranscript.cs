using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Conduit.Runners.Transcripts;

/// <summary>
/// One chat turn's files, as the original Conduit kept them:
/// <c>&lt;stateDir&gt;/chats/&lt;thread&gt;/&lt;item&gt;/{prompt.txt, stdout.log, stderr.log, final.txt, result.json}</c>.
/// <c>result.json</c> is <c>{threadId, queueItemId, finalMessage, usage, exit}</c>. Written by <c>conduit chat</c> and by
/// the daemon's <c>POST /chat</c>; the line methods may be called from any thread.
/// </summary>
public sealed partial class ChatTranscript : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _stdout;
    private readonly StreamWriter _stderr;
    private int _lastStdoutLine;
    private string? _lastStdoutRaw;
    private bool _closed;

    private ChatTranscript(string directory, ChatTranscriptTurn turn)
    {
        DirectoryPath = directory;
        Turn = turn;
        _stdout = new StreamWriter(Path.Combine(directory, "stdout.log"), append: true, new UTF8Encoding(false));
        _stderr = new StreamWriter(Path.Combine(directory, "stderr.log"), append: true, new UTF8Encoding(false));
    }

    /// <summary>The turn's folder.</summary>
    public string DirectoryPath { get; }

    /// <summary>Which turn this is.</summary>
    public ChatTranscriptTurn Turn { get; }

    /// <summary>Creates the turn's folder and writes <c>prompt.txt</c>.</summary>
    /// <exception cref="ConduitException">The folder or a file cannot be written.</exception>
    public static ChatTranscript Start(string stateDirectory, ChatTranscriptTurn turn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentNullException.ThrowIfNull(turn);
        var directory = Path.Combine(ThreadDirectory(stateDirectory, turn.ThreadId), SafeName(turn.QueueItemId));
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "prompt.txt"), turn.Prompt);
            return new ChatTranscript(directory, turn);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConduitException($"Cannot write the chat transcript under {directory}: {exception.Message}", exception);
        }
    }

    /// <summary><c>&lt;stateDir&gt;/chats/&lt;thread&gt;</c>, with characters outside <c>[A-Za-z0-9._-]</c> replaced by <c>_</c>.</summary>
    public static string ThreadDirectory(string stateDirectory, string threadId) =>
        Path.Combine(stateDirectory, "chats", SafeName(threadId));

    /// <summary>Appends the stdout line an event came from to <c>stdout.log</c>, once per line.</summary>
    public void WriteEvent(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        if (agentEvent.RawRepresentation is not { } raw)
        {
            return;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // One stdout line can become several events (text, usage, ...): each line is written once.
            if (agentEvent.LineNumber is { } line ? line <= _lastStdoutLine : ReferenceEquals(raw, _lastStdoutRaw))
            {
                return;
            }

            _lastStdoutLine = agentEvent.LineNumber ?? _lastStdoutLine;
            _lastStdoutRaw = raw;
            _stdout.WriteLine(raw);
        }
    }

    /// <summary>Appends one stderr line to <c>stderr.log</c> (fits <see cref="AgentRequest.OnStandardErrorLine"/>).</summary>
    public void WriteStandardErrorLine(string line)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _stderr.WriteLine(line);
            }
        }
    }

    /// <summary>Writes <c>final.txt</c> (when there is a final message) and <c>result.json</c>, and closes the logs.</summary>
    public void Complete(AgentResult? result, ChatTranscriptExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        lock (_gate)
        {
            if (!_closed)
            {
                _stdout.Flush();
                _stderr.Flush();
            }
        }

        try
        {
            if (result?.Text is { } text)
            {
                File.WriteAllText(Path.Combine(DirectoryPath, "final.txt"), text);
            }

            using var stream = File.Create(Path.Combine(DirectoryPath, "result.json"));
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("threadId", Turn.ThreadId);
            json.WriteString("queueItemId", Turn.QueueItemId);
            json.WriteString("finalMessage", result?.Text);
            if (result?.Usage is { } usage && (usage.InputTokens != 0 || usage.OutputTokens != 0 || usage.CostUsd is not null))
            {
                json.WriteStartObject("usage");
                json.WriteNumber("inputTokens", usage.InputTokens);
                json.WriteNumber("outputTokens", usage.OutputTokens);
                json.WriteNumber("cachedInputTokens", usage.CachedInputTokens);
                json.WriteNumber("cacheWriteTokens", usage.CacheWriteTokens);
                json.WriteNumber("totalTokens", usage.TotalTokens);
                if (usage.CostUsd is { } cost)
                {
                    json.WriteNumber("costUsd", cost);
                }
                else
                {
                    json.WriteNull("costUsd");
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("usage");
            }

            json.WriteStartObject("exit");
            WriteNullable(json, "code", exit.Code);
            json.WriteString("signal", exit.Signal);
            json.WriteString("finalState", exit.FinalState);
            if (exit.EndedAt is { } endedAt)
            {
                json.WriteString("endedAt", Timestamp(endedAt));
            }
            else
            {
                json.WriteNull("endedAt");
            }

            json.WriteEndObject();

            // Beyond the original's five members: what GET /chat/threads/{id} shows for a thread read back from disk.
            json.WriteString("projectId", Turn.ProjectId);
            json.WriteStartObject("runner");
            json.WriteString("provider", Turn.Runner.Provider);
            json.WriteString("model", Turn.Runner.Model);
            json.WriteEndObject();
            json.WriteString("sessionId", result?.SessionId);
            json.WriteString("createdAt", Timestamp(Turn.CreatedAt));
            json.WriteEndObject();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConduitException($"Cannot write the chat transcript under {DirectoryPath}: {exception.Message}", exception);
        }
    }

    /// <summary>Closes the log files; lines that arrive later are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _stdout.Dispose();
            _stderr.Dispose();
        }
    }

    /// <summary>
    /// The newest finished turn of a thread as its <c>result.json</c> recorded it, or <see langword="null"/> when the
    /// thread has no finished turn on disk (or its files cannot be read).
    /// </summary>
    public static ChatTranscriptRecord? ReadLatest(string stateDirectory, string threadId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(threadId);
        var thread = new DirectoryInfo(ThreadDirectory(stateDirectory, threadId));
        if (!thread.Exists)
        {
            return null;
        }

        var newest = thread.EnumerateFiles("result.json", SearchOption.AllDirectories)
            .Where(f => f.Directory?.Parent?.FullName == thread.FullName)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .FirstOrDefault();
        if (newest is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(newest.FullName));
            var root = document.RootElement;
            var exit = root.GetProperty("exit");
            var runner = root.TryGetProperty("runner", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
            var promptFile = Path.Combine(newest.DirectoryName!, "prompt.txt");
            return new ChatTranscriptRecord
            {
                ThreadId = String(root, "threadId") ?? threadId,
                QueueItemId = String(root, "queueItemId") ?? newest.Directory!.Name,
                FinalMessage = String(root, "finalMessage"),
                ProjectId = String(root, "projectId"),
                Provider = runner.ValueKind == JsonValueKind.Object ? String(runner, "provider") : null,
                Model = runner.ValueKind == JsonValueKind.Object ? String(runner, "model") : null,
                SessionId = String(root, "sessionId"),
                CreatedAt = String(root, "createdAt") is { } created ? DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture) : null,
                Prompt = File.Exists(promptFile) ? File.ReadAllText(promptFile) : null,
                Exit = new ChatTranscriptExit
                {
                    Code = exit.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null,
                    Signal = String(exit, "signal"),
                    FinalState = String(exit, "finalState") ?? "failed",
                    EndedAt = String(exit, "endedAt") is { } ended ? DateTimeOffset.Parse(ended, System.Globalization.CultureInfo.InvariantCulture) : null,
                },
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string SafeName(string id)
    {
        var name = UnsafeCharacters().Replace(id, "_");
        // "." and ".." would leave the chats folder.
        return name.Trim('.').Length == 0 ? name.Replace('.', '_') : name;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeCharacters();
}

/// <summary>How a chat turn ended, as <c>result.json</c>'s <c>exit</c> records it.</summary>
public sealed class ChatTranscriptExit
{
    /// <summary>The agent CLI's exit code, when it exited.</summary>
    public int? Code { get; init; }

    /// <summary><c>SIGTERM</c> when the turn was cancelled.</summary>
    public string? Signal { get; init; }

    /// <summary><c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public required string FinalState { get; init; }

    /// <summary>When the turn ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>Which chat turn a <see cref="ChatTranscript"/> records.</summary>
public sealed class ChatTranscriptTurn
{
    /// <summary>The thread (the resumed session id when resuming).</summary>
    public required string ThreadId { get; init; }

    /// <summary>The turn (the original's queue item).</summary>
    public required string QueueItemId { get; init; }

    /// <summary>The prompt, written to <c>prompt.txt</c>.</summary>
    public required string Prompt { get; init; }

    /// <summary>The runner the turn ran on.</summary>
    public required RunnerSpec Runner { get; init; }

    /// <summary>The project, when the turn named one.</summary>
    public string? ProjectId { get; init; }

    /// <summary>When the turn was asked for.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A finished chat turn read back from its <c>result.json</c> (<see cref="ChatTranscript.ReadLatest"/>).</summary>
public sealed class ChatTranscriptRecord
{
    /// <summary>The thread.</summary>
    public required string ThreadId { get; init; }

    /// <summary>The turn.</summary>
    public required string QueueItemId { get; init; }

    /// <summary>The agent's final message, if any.</summary>
    public string? FinalMessage { get; init; }

    /// <summary>The project, when recorded.</summary>
    public string? ProjectId { get; init; }

    /// <summary>The runner's provider, when recorded.</summary>
    public string? Provider { get; init; }

    /// <summary>The runner's model, when recorded.</summary>
    public string? Model { get; init; }

    /// <summary>The agent's session id, when recorded.</summary>
    public string? SessionId { get; init; }

    /// <summary>When the turn was asked for, when recorded.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The prompt (<c>prompt.txt</c>).</summary>
    public string? Prompt { get; init; }

    /// <summary>How the turn ended.</summary>
    public required ChatTranscriptExit Exit { get; init; }
}
