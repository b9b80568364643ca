using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conduit.Policies;

/// <summary>What went wrong in the previous attempt, fed back into the next prompt.</summary>
internal sealed class PreviousFailure
{
    public required string Summary { get; init; }

    public string? Check { get; init; }

    public string? Command { get; init; }

    public int? ExitCode { get; init; }

    public string? StdoutPath { get; init; }

    public string? StderrPath { get; init; }

    public string? Stdout { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The output tail as placed into <c>{{previous_failure.output_tail}}</c>.</summary>
    public string OutputTail => string.Join("\n", new[] { Stdout, Stderr }.Where(s => !string.IsNullOrWhiteSpace(s))).Trim();
}

/// <summary>Everything a prompt template can refer to.</summary>
internal sealed class PromptContext
{
    public required string TaskId { get; init; }

    public required string PolicyId { get; init; }

    public required string ProjectId { get; init; }

    public required string RunId { get; init; }

    public required int Attempt { get; init; }

    public required int MaxAttempts { get; init; }

    public required JsonObject Input { get; init; }

    public PreviousFailure? PreviousFailure { get; init; }
}

/// <summary>Prompt templates: <c>{{input.key}}</c>, <c>{{attempt}}</c>, <c>{{previous_failure.check}}</c>, ...</summary>
internal static partial class PromptTemplate
{
    public const int FeedbackLimit = 4000;

    public static readonly string[] KnownNames =
    [
        "input.<key>", "attempt", "max_attempts", "task_id", "policy_id", "project_id", "run_id",
        "previous_failure.check", "previous_failure.command", "previous_failure.exit_code",
        "previous_failure.output_tail", "previous_failure.summary",
    ];

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.\-\[\]]+)\s*\}\}")]
    private static partial Regex PlaceholderPattern();

    public static IEnumerable<(string Name, int Line)> Placeholders(string template)
    {
        foreach (Match match in PlaceholderPattern().Matches(template))
        {
            var line = 1 + template.AsSpan(0, match.Index).Count('\n');
            yield return (match.Groups[1].Value, line);
        }
    }

    public static bool IsKnown(string name) =>
        (name.StartsWith("input.", StringComparison.Ordinal) && name.Length > 6) ||
        name is "input" ||
        (Array.IndexOf(KnownNames, name) >= 0 && name != "input.<key>");

    /// <summary>Renders the prompt for an attempt: the policy's template, or the original's fixed prompt.</summary>
    public static string Render(string? template, PromptContext context)
    {
        if (template is null)
        {
            return DefaultPrompt(context);
        }

        var usesFailure = Placeholders(template).Any(p => p.Name.StartsWith("previous_failure.", StringComparison.Ordinal));
        var text = PlaceholderPattern().Replace(template, match => Value(match.Groups[1].Value, context));
        if (context.PreviousFailure is { } failure && !usesFailure)
        {
            text = text.TrimEnd() + "\n\n" + RetryFeedback(failure);
        }

        return text;
    }

    /// <summary>The original's <c>Retry feedback:</c> section.</summary>
    public static string RetryFeedback(PreviousFailure failure)
    {
        var builder = new StringBuilder();
        builder.Append("Retry feedback:\n");
        builder.Append("The previous attempt did not pass. Fix the problem described below.\n");
        builder.Append("Failure summary: ").Append(failure.Summary).Append('\n');
        if (failure.Check is not null)
        {
            builder.Append("Check: ").Append(failure.Check).Append('\n');
            builder.Append("Command: ").Append(failure.Command).Append('\n');
            builder.Append("Exit code: ").Append(failure.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "null").Append('\n');
            if (failure.StdoutPath is not null)
            {
                builder.Append("Stdout path: ").Append(failure.StdoutPath).Append('\n');
                builder.Append("Stderr path: ").Append(failure.StderrPath).Append('\n');
            }

            builder.Append("Stdout:\n```\n").Append(Truncate(failure.Stdout)).Append("\n```\n");
            builder.Append("Stderr:\n```\n").Append(Truncate(failure.Stderr)).Append("\n```\n");
        }

        return builder.ToString();
    }

    public static string Truncate(string? text)
    {
        var trimmed = (text ?? "").Trim();
        return trimmed.Length <= FeedbackLimit ? trimmed : string.Concat(trimmed.AsSpan(trimmed.Length - FeedbackLimit), "...[truncated]");
    }

    private static string DefaultPrompt(PromptContext context)
    {
        var builder = new StringBuilder();
        builder.Append("You are running as an automated Conduit execution-mode attempt.\n");
        builder.Append("Complete the task for the run input below in the current working directory; your work is verified by the policy's checks.\n\n");
        builder.Append("Task ID: ").Append(context.TaskId).Append('\n');
        builder.Append("Policy ID: ").Append(context.PolicyId).Append('\n');
        builder.Append("Project ID: ").Append(context.ProjectId).Append('\n');
        builder.Append("Attempt: ").Append(context.Attempt).Append('/').Append(context.MaxAttempts).Append('\n');
        builder.Append("Run input:\n```json\n").Append(context.Input.ToJsonString(Pretty)).Append("\n```\n");
        if (context.PreviousFailure is { } failure)
        {
            builder.Append('\n').Append(RetryFeedback(failure));
        }

        return builder.ToString();
    }

    private static string Value(string name, PromptContext context)
    {
        var failure = context.PreviousFailure;
        return name switch
        {
            "attempt" => context.Attempt.ToString(CultureInfo.InvariantCulture),
            "max_attempts" => context.MaxAttempts.ToString(CultureInfo.InvariantCulture),
            "task_id" => context.TaskId,
            "policy_id" => context.PolicyId,
            "project_id" => context.ProjectId,
            "run_id" => context.RunId,
            "input" => context.Input.ToJsonString(Pretty),
            "previous_failure.check" => failure?.Check ?? "",
            "previous_failure.command" => failure?.Command ?? "",
            "previous_failure.exit_code" => failure?.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
            "previous_failure.output_tail" => failure is null ? "" : Truncate(failure.OutputTail),
            "previous_failure.summary" => failure?.Summary ?? "",
            _ when name.StartsWith("input.", StringComparison.Ordinal) => InputValue(context.Input, name[6..]),
            _ => "",
        };
    }

    private static string InputValue(JsonObject input, string path)
    {
        JsonNode? node = input;
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject obj => obj[part],
                JsonArray array when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
                _ => null,
            };
            if (node is null)
            {
                return "";
            }
        }

        return node switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => node.ToJsonString(Pretty),
        };
    }
}
