using System.Globalization;
using Conduit.Runners.Parsing;

namespace Conduit.Runners.Tests.Parsing;

/// <summary>One capture under Captures/: stdout lines, stderr and exit code from its .meta file.</summary>
internal sealed class Capture
{
    private Capture(string name, string[] lines, string standardError, int exitCode)
    {
        Name = name;
        Lines = lines;
        StandardError = standardError;
        ExitCode = exitCode;
    }

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Captures");

    public string Name { get; }

    public string[] Lines { get; }

    public string StandardError { get; }

    public int ExitCode { get; }

    /// <summary>The stderr tail as the process launcher reports it (at most 4 KiB).</summary>
    public string StandardErrorTail => StandardError.Length <= 4096 ? StandardError : StandardError[^4096..];

    public static string PathOf(string name)
    {
        var jsonl = Path.Combine(Directory, name + ".jsonl");
        return File.Exists(jsonl) ? jsonl : Path.Combine(Directory, name + ".stdout");
    }

    public static Capture Load(string name)
    {
        var stdout = File.ReadAllText(PathOf(name));
        var stderrPath = Path.Combine(Directory, name + ".stderr");
        var stderr = File.Exists(stderrPath) ? File.ReadAllText(stderrPath) : "";
        var exitLine = File.ReadAllLines(Path.Combine(Directory, name + ".meta")).Single(l => l.StartsWith("exit_code:", StringComparison.Ordinal));
        var exitCode = int.Parse(exitLine["exit_code:".Length..].Trim(), CultureInfo.InvariantCulture);
        var lines = stdout.Length == 0 ? [] : stdout.TrimEnd('\n').Split('\n');
        return new Capture(name, lines, stderr, exitCode);
    }

    /// <summary>Feeds the whole capture through <paramref name="parser"/> as a runner would.</summary>
    public List<AgentEvent> ParseWith(IAgentStreamParser parser)
    {
        var events = new List<AgentEvent>();
        for (var i = 0; i < Lines.Length; i++)
        {
            events.AddRange(parser.ParseLine(Lines[i], i + 1));
        }

        events.AddRange(parser.Complete(AgentProcessEnd.Exited(ExitCode, StandardErrorTail, TimeSpan.FromSeconds(1))));
        return events;
    }

    public static IAgentStreamParser ParserFor(string name, AgentStreamParserContext? context = null)
    {
        context ??= new AgentStreamParserContext();
        return name.Split('-')[0] switch
        {
            "claude" => new ClaudeStreamParser(context),
            "codex" => new CodexStreamParser(context),
            "gemini" => new GeminiStreamParser(context),
            "cursor" => new CursorStreamParser(context),
            var other => throw new ArgumentException($"no parser for {other}", nameof(name)),
        };
    }
}
