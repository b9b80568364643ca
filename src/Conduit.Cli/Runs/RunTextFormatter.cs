using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Cli.Runs;

/// <summary>The original Conduit's text output for runs: <c>key: value</c> lines that scripts grep.</summary>
internal static class RunTextFormatter
{
    private static readonly JsonSerializerOptions Indented = new(ConduitJson.Options) { WriteIndented = true };

    public static void WriteRun(TextWriter output, RunRecord run, IReadOnlyList<AttemptRecord>? attempts = null)
    {
        output.WriteLine($"run_id: {run.RunId}");
        output.WriteLine($"status: {run.Status.ToName()}");
        output.WriteLine($"project_id: {run.ProjectId}");
        output.WriteLine($"policy_id: {run.PolicyId}");
        if (run.TaskId is not null)
        {
            output.WriteLine($"task_id: {run.TaskId}");
        }

        if (run.Runner is { } runner)
        {
            output.WriteLine($"runner: {runner.Provider}{(runner.Model is null ? "" : $" ({runner.Model})")}");
        }

        output.WriteLine($"current_attempt_index: {run.CurrentAttemptIndex}/{run.MaxAttempts}");
        output.WriteLine($"created_at: {Time(run.CreatedAt)}");
        if (run.StartedAt is { } started)
        {
            output.WriteLine($"started_at: {Time(started)}");
        }

        if (run.FinishedAt is { } finished)
        {
            output.WriteLine($"finished_at: {Time(finished)}");
        }

        if (run.FailureSummary is not null)
        {
            output.WriteLine($"failure_summary: {run.FailureSummary}");
        }

        if (run.ExternalRef is not null)
        {
            output.WriteLine($"external_ref: {run.ExternalRef}");
        }

        if (run.Usage is { } usage)
        {
            output.WriteLine($"usage: in {usage.InputTokens} | out {usage.OutputTokens} | cached {usage.CachedInputTokens} | total {usage.TotalTokens}" +
                (usage.CostUsd is { } cost ? $" | cost_usd {cost.ToString(CultureInfo.InvariantCulture)}" : ""));
        }

        if (run.RunRecordPath is not null)
        {
            output.WriteLine($"run_record_path: {run.RunRecordPath}");
        }

        foreach (var attempt in attempts ?? [])
        {
            output.WriteLine($"- attempt {attempt.AttemptIndex}: {attempt.Status.ToName()}, runner={attempt.Runner.Provider}{(attempt.Runner.Model is null ? "" : "/" + attempt.Runner.Model)}, output_dir={attempt.OutputDir}");
            foreach (var check in attempt.CheckResults)
            {
                output.WriteLine($"  check {check.Name}: {(check.Passed ? "passed" : "failed")} [on_fail={check.OnFail}, exit_code={check.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "null"}]");
            }
        }
    }

    public static string Json(RunRecord run, IReadOnlyList<AttemptRecord>? attempts = null)
    {
        var node = JsonSerializer.SerializeToNode(run, ConduitJson.Options)!.AsObject();
        if (attempts is not null)
        {
            node["attempts"] = JsonSerializer.SerializeToNode(attempts, ConduitJson.Options);
        }

        return node.ToJsonString(Indented);
    }

    /// <summary>One event as a progress line (<c>status: running</c>, <c>attempt 1: failed</c>, <c>check 1/tests: passed</c>, log text).</summary>
    public static string? EventLine(RunEvent runEvent)
    {
        var data = runEvent.Data;
        switch (runEvent.Type)
        {
            case "run.status":
                return $"status: {Get(data, "status")}" + (Get(data, "failure_summary") is { } summary ? $" ({summary})" : "");
            case "attempt.started":
                return $"attempt {runEvent.AttemptIndex}: running";
            case "attempt.finished":
                return $"attempt {runEvent.AttemptIndex}: {Get(data, "status")}";
            case "check.finished":
                return $"check {Get(data, "check_order")}/{Get(data, "name")}: {(data.TryGetProperty("passed", out var passed) && passed.GetBoolean() ? "passed" : "failed")}";
            case "hook.finished":
                return $"hook {Get(data, "hook")}: exit_code={Get(data, "exit_code") ?? "null"}";
            case "log":
                return $"[{Get(data, "source")}] {Get(data, "text")}";
            case "agent.event":
                var type = Get(data, "type");
                return type switch
                {
                    "text" => $"[agent] {Get(data, "text")}",
                    "tool_call_started" => $"[agent] tool {Get(data, "name")}",
                    "completed" => $"[agent] completed: {Get(data, "outcome")}",
                    "error" => $"[agent] error: {Get(data, "message")}",
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static string? Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            }
            : null;

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject ParseInputs(IEnumerable<string> pairs, string? inputFile, string workingDirectory)
    {
        JsonObject input;
        if (inputFile is not null)
        {
            var path = inputFile.StartsWith('@') ? inputFile[1..] : inputFile;
            var text = File.ReadAllText(Path.GetFullPath(path, workingDirectory));
            input = JsonNode.Parse(text) as JsonObject ?? throw new FormatException($"{path}: the input must be a JSON object.");
        }
        else
        {
            input = [];
        }

        foreach (var pair in pairs)
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new FormatException($"--input \"{pair}\" must be key=value.");
            }

            input[pair[..separator]] = pair[(separator + 1)..];
        }

        return input;
    }
}
