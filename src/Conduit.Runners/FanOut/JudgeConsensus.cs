using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Conduit.FanOut;

/// <summary>
/// A runner is shown the task and the candidates (each trial's final text, diff and verdict) and picks one. It is
/// asked to answer with <c>{"winner": &lt;n&gt;, "reason": "..."}</c>; the answer is parsed leniently (the last JSON
/// object with a <c>winner</c>, else "winner: n" or "candidate n" in the text). The judge runs read-only in the
/// fan-out's working directory.
/// </summary>
public sealed partial class JudgeConsensus : IConsensusStrategy
{
    private readonly IAgentRunnerFactory _runners;

    /// <summary>A judge strategy that asks <paramref name="judge"/>.</summary>
    public JudgeConsensus(IAgentRunnerFactory runners, FanOutRunner judge)
    {
        ArgumentNullException.ThrowIfNull(runners);
        ArgumentNullException.ThrowIfNull(judge);
        _runners = runners;
        Judge = judge;
    }

    /// <summary>The runner that judges.</summary>
    public FanOutRunner Judge { get; }

    /// <summary>The most characters of each candidate's text and of its diff shown to the judge.</summary>
    /// <value>Default 4000.</value>
    public int MaxCharactersPerCandidate { get; init; } = 4000;

    /// <summary>The most time the judge may take.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public string Name => "judge";

    /// <inheritdoc />
    public async ValueTask<ConsensusDecision> DecideAsync(ConsensusContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = context.Trials
            .Where(t => t.Outcome != AgentOutcome.Cancelled && (!string.IsNullOrWhiteSpace(t.FinalText) || !string.IsNullOrEmpty(t.Diff)))
            .ToArray();
        if (candidates.Length == 0)
        {
            return ConsensusDecision.None(Name, "No trial produced an answer or a change to judge.");
        }

        var request = new AgentRequest
        {
            Prompt = BuildPrompt(context.Task, candidates),
            Runner = Judge.Spec,
            WorkingDirectory = context.WorkingDirectory,
            Environment = Judge.Environment,
            Args = Judge.Args,
            PermissionMode = AgentPermissionMode.ReadOnly,
            Timeout = Timeout,
        };
        var result = await _runners.GetRunner(Judge.Spec).RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return ConsensusDecision.None(Name, $"The judge {Judge.DisplayName} did not finish: {result.Outcome} ({result.Reason}).");
        }

        if (!TryParseVerdict(result.Text, out var number, out var reason))
        {
            return ConsensusDecision.None(Name, $"The judge {Judge.DisplayName} named no candidate: \"{FanOutTask.Shorten(result.Text ?? "", 200)}\".");
        }

        if (number < 1 || number > candidates.Length)
        {
            return ConsensusDecision.None(Name, $"The judge {Judge.DisplayName} picked candidate {number}, but there are only {candidates.Length}.");
        }

        var winner = candidates[number - 1];
        var why = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
        return ConsensusDecision.For(Name, winner, $"The judge {Judge.DisplayName} picked candidate {number}, {winner.Trial.TrialId} ({winner.Trial.RunnerName}): {why}");
    }

    /// <summary>The prompt shown to the judge: the task, then each candidate numbered from 1.</summary>
    public string BuildPrompt(FanOutTask task, IReadOnlyList<TrialResult> candidates)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(candidates);
        var prompt = new StringBuilder();
        prompt.Append(CultureInfo.InvariantCulture, $"You are judging {candidates.Count} answers to the same task from different coding agents. Pick the best one: correct first, then complete, then concise. Do not change any file.\n\n");
        prompt.Append("## The task\n\n");
        prompt.Append(task.Prompt ?? $"Policy {task.PolicyId} with input {task.Input?.ToJsonString() ?? "{}"}").Append("\n\n");
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            prompt.Append(CultureInfo.InvariantCulture, $"## Candidate {i + 1}\n\n");
            if (candidate.Verification is not null || candidate.ChecksTotal > 0)
            {
                prompt.Append("Checks: ").Append(candidate.Passed ? "passed" : "failed").Append("\n\n");
            }

            prompt.Append("Answer:\n\n").Append(Truncate(candidate.FinalText ?? "(no text)")).Append("\n\n");
            if (!string.IsNullOrEmpty(candidate.Diff))
            {
                prompt.Append("Changes:\n\n```diff\n").Append(Truncate(candidate.Diff)).Append("\n```\n\n");
            }
        }

        prompt.Append("## Your answer\n\nAnswer with one JSON object and nothing else: {\"winner\": <candidate number>, \"reason\": \"<one sentence>\"}\n");
        return prompt.ToString();
    }

    /// <summary>
    /// Reads the judge's pick from its answer: the last JSON object with a <c>winner</c> number (also as a string),
    /// else <c>winner: n</c>, else <c>candidate n</c>.
    /// </summary>
    public static bool TryParseVerdict(string? text, out int winner, out string? reason)
    {
        winner = 0;
        reason = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        for (var start = text.LastIndexOf('{'); start >= 0; start = start == 0 ? -1 : text.LastIndexOf('{', start - 1))
        {
            if (TryReadObject(text, start, out var number, out var because))
            {
                winner = number;
                reason = because;
                return true;
            }
        }

        var match = WinnerPattern().Match(text);
        if (!match.Success)
        {
            match = CandidatePattern().Match(text);
        }

        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out winner))
        {
            var reasonMatch = ReasonPattern().Match(text);
            reason = reasonMatch.Success ? reasonMatch.Groups[1].Value : null;
            return true;
        }

        return false;
    }

    private static bool TryReadObject(string text, int start, out int winner, out string? reason)
    {
        winner = 0;
        reason = null;
        var bytes = Encoding.UTF8.GetBytes(text[start..]);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            using var document = JsonDocument.Parse(bytes.AsMemory(0, (int)reader.BytesConsumed), new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = document.RootElement;
            if (!TryGetProperty(root, "winner", out var value) && !TryGetProperty(root, "candidate", out value))
            {
                return false;
            }

            var parsed = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(value.GetString()?.Trim().TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => (int?)null,
            };
            if (parsed is null)
            {
                return false;
            }

            winner = parsed.Value;
            reason = TryGetProperty(root, "reason", out var because) && because.ValueKind == JsonValueKind.String ? because.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private string Truncate(string text) =>
        text.Length <= MaxCharactersPerCandidate ? text : string.Concat(text.AsSpan(0, MaxCharactersPerCandidate), "\n[... truncated]");

    [GeneratedRegex(@"winner\W{0,5}(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WinnerPattern();

    [GeneratedRegex(@"candidate\s*#?\s*(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CandidatePattern();

    [GeneratedRegex(@"reason\W{0,5}(.+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();
}
