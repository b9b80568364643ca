using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Testing;

/// <summary>What a <see cref="FakeTurn"/> makes the fake model do.</summary>
public enum FakeTurnKind
{
    /// <summary>Reply with text and end the turn.</summary>
    Text = 0,

    /// <summary>Ask the agent to write a file, with each CLI's own write tool.</summary>
    WriteFile,

    /// <summary>Ask the agent to run a shell command, with each CLI's own shell tool.</summary>
    Shell,

    /// <summary>Call a tool by its CLI-specific name with JSON arguments, sent as given.</summary>
    ToolCall,

    /// <summary>Answer the request with an HTTP error status.</summary>
    Error,
}

/// <summary>
/// One scripted answer of the fake model API, written once and rendered into each provider's wire format:
/// a text reply, a provider-neutral tool call (<see cref="WriteFile"/>, <see cref="Shell"/>), a raw tool call, or an
/// HTTP error.
/// </summary>
/// <remarks>
/// A tool call is a whole turn of its own: the CLI runs the tool and sends the result back in its next request, which
/// the next turn of the script answers (typically with <see cref="Text"/>).
/// </remarks>
public sealed class FakeTurn
{
    private FakeTurn(FakeTurnKind kind)
    {
        Kind = kind;
    }

    /// <summary>What this turn does.</summary>
    public FakeTurnKind Kind { get; }

    /// <summary>The reply text of a <see cref="FakeTurnKind.Text"/> turn.</summary>
    public string? ReplyText { get; private init; }

    /// <summary>
    /// The file of a <see cref="FakeTurnKind.WriteFile"/> turn. A relative path is resolved against the working
    /// directory the CLI reports in its request (each CLI tells the model its working directory).
    /// </summary>
    public string? FilePath { get; private init; }

    /// <summary>The content of a <see cref="FakeTurnKind.WriteFile"/> turn.</summary>
    public string? FileContent { get; private init; }

    /// <summary>The command line of a <see cref="FakeTurnKind.Shell"/> turn.</summary>
    public string? Command { get; private init; }

    /// <summary>The tool name of a <see cref="FakeTurnKind.ToolCall"/> turn, exactly as the CLI declares it.</summary>
    public string? ToolName { get; private init; }

    /// <summary>The JSON object of arguments of a <see cref="FakeTurnKind.ToolCall"/> turn.</summary>
    public string? ToolArgumentsJson { get; private init; }

    /// <summary>The HTTP status of an <see cref="FakeTurnKind.Error"/> turn.</summary>
    public int StatusCode { get; private init; }

    /// <summary>The error message of an <see cref="FakeTurnKind.Error"/> turn.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary>A text reply that ends the agent's turn.</summary>
    public static FakeTurn Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FakeTurn(FakeTurnKind.Text) { ReplyText = text };
    }

    /// <summary>
    /// A call of the CLI's file write tool: Claude <c>Write</c>{file_path, content}, Gemini
    /// <c>write_file</c>{file_path, content}, Codex <c>exec_command</c> with a <c>printf</c> redirect (the Responses
    /// tools Codex offers a custom model have no patch tool).
    /// </summary>
    /// <param name="path">The file; relative paths are resolved against the CLI's working directory.</param>
    /// <param name="content">The text to write.</param>
    public static FakeTurn WriteFile(string path, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);
        return new FakeTurn(FakeTurnKind.WriteFile) { FilePath = path, FileContent = content };
    }

    /// <summary>
    /// A call of the CLI's shell tool: Claude <c>Bash</c>{command}, Codex <c>exec_command</c>{cmd}, Gemini
    /// <c>run_shell_command</c>{command}.
    /// </summary>
    public static FakeTurn Shell(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return new FakeTurn(FakeTurnKind.Shell) { Command = command };
    }

    /// <summary>A call of a tool by the name one CLI declares (e.g. Claude <c>Read</c>), with arguments sent as given.</summary>
    /// <param name="toolName">The tool name.</param>
    /// <param name="argumentsJson">A JSON object.</param>
    /// <exception cref="ArgumentException"><paramref name="argumentsJson"/> is not a JSON object.</exception>
    public static FakeTurn ToolCall(string toolName, string argumentsJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        try
        {
            if (JsonNode.Parse(argumentsJson) is not JsonObject)
            {
                throw new ArgumentException("Tool arguments must be a JSON object.", nameof(argumentsJson));
            }
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"Tool arguments are not valid JSON: {exception.Message}", nameof(argumentsJson), exception);
        }

        return new FakeTurn(FakeTurnKind.ToolCall) { ToolName = toolName, ToolArgumentsJson = argumentsJson };
    }

    /// <summary>An HTTP error answer (e.g. 401, 429, 500) in the provider's error body format.</summary>
    /// <param name="statusCode">An HTTP status from 400 to 599.</param>
    /// <param name="message">The error message; a default per status when <see langword="null"/>.</param>
    public static FakeTurn Error(int statusCode, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new FakeTurn(FakeTurnKind.Error)
        {
            StatusCode = statusCode,
            ErrorMessage = message ?? statusCode switch
            {
                401 => "invalid api key (fake model API)",
                403 => "permission denied (fake model API)",
                429 => "rate limited (fake model API)",
                _ => string.Create(CultureInfo.InvariantCulture, $"fake server error {statusCode}"),
            },
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FakeTurnKind.Text => $"Text(\"{ReplyText}\")",
        FakeTurnKind.WriteFile => $"WriteFile({FilePath})",
        FakeTurnKind.Shell => $"Shell({Command})",
        FakeTurnKind.ToolCall => $"ToolCall({ToolName})",
        _ => string.Create(CultureInfo.InvariantCulture, $"Error({StatusCode})"),
    };
}
