using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Server.Runs;

/// <summary>
/// A run as <c>GET /runs/{id}[?include=attempts]</c> answers it: the record, and with attempts each attempt's
/// <c>agent_final_url</c>, <c>agent_stdout_url</c>, <c>agent_stderr_url</c> and each check result's <c>stdout_url</c> and
/// <c>stderr_url</c> (relative to the daemon). The CLI prints the same shape when it reads runs in-process.
/// </summary>
public static class RunJson
{
    /// <summary>The run's JSON; <paramref name="attempts"/> <see langword="null"/> leaves out the <c>attempts</c> member.</summary>
    public static JsonObject Create(RunRecord run, IReadOnlyList<AttemptRecord>? attempts)
    {
        ArgumentNullException.ThrowIfNull(run);
        var json = JsonSerializer.SerializeToNode(run, ConduitJson.Options)!.AsObject();
        if (attempts is null)
        {
            return json;
        }

        var attemptsJson = new JsonArray();
        foreach (var attempt in attempts)
        {
            var attemptJson = JsonSerializer.SerializeToNode(attempt, ConduitJson.Options)!.AsObject();
            RunOutputEndpoints.AddOutputUrls(attemptJson, run.RunId, attempt.AttemptIndex);
            attemptsJson.Add(attemptJson);
        }

        json["attempts"] = attemptsJson;
        return json;
    }
}
