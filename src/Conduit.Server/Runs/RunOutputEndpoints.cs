using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Runs;

/// <summary>
/// The original Conduit's attempt output routes: the agent's stdout/stderr and final message and each check's
/// stdout/stderr, served from the log files the orchestrator writes under <c>runs/&lt;run_id&gt;/attempts/&lt;n&gt;/</c>.
/// Files are found through the stored attempt and check records, never by joining request text onto a path.
/// </summary>
internal static partial class RunOutputEndpoints
{
    private const string TextPlain = "text/plain; charset=utf-8";

    public static void MapRunOutputEndpoints(this IEndpointRouteBuilder routes)
    {
        var outputs = routes.MapGroup("/runs/{runId}/attempts/{attempt}/output").WithTags("runs");
        outputs.MapGet("/agent", AgentAsync)
            .WithName("getAttemptAgentOutput")
            .WithSummary("The agent's raw stdout or stderr in one attempt (`?stream=stdout|stderr`)")
            .WithDescription("Plain text; gzip when `Accept-Encoding` allows it.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        outputs.MapGet("/agent/final", FinalAsync)
            .WithName("getAttemptFinalOutput")
            .WithSummary("The agent's final message in one attempt")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        outputs.MapGet("/checks/{name}", CheckAsync)
            .WithName("getAttemptCheckOutput")
            .WithSummary("One check's stdout or stderr in one attempt (`?stream=stdout|stderr`)")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    /// <summary>The URLs <c>GET /runs/{id}?include=attempts</c> adds to an attempt's JSON and to each of its check results.</summary>
    public static void AddOutputUrls(JsonObject attempt, string runId, int attemptIndex)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var prefix = $"/runs/{Uri.EscapeDataString(runId)}/attempts/{attemptIndex.ToString(CultureInfo.InvariantCulture)}/output";
        attempt["agent_final_url"] = prefix + "/agent/final";
        attempt["agent_stdout_url"] = prefix + "/agent?stream=stdout";
        attempt["agent_stderr_url"] = prefix + "/agent?stream=stderr";
        if (attempt["check_results"] is JsonArray checks)
        {
            foreach (var check in checks.OfType<JsonObject>())
            {
                var name = Uri.EscapeDataString((string?)check["name"] ?? string.Empty);
                check["stdout_url"] = $"{prefix}/checks/{name}?stream=stdout";
                check["stderr_url"] = $"{prefix}/checks/{name}?stream=stderr";
            }
        }
    }

    private static async Task<IResult> AgentAsync(string runId, string attempt, [FromQuery(Name = "stream")] string? stream, HttpContext context)
    {
        var index = AttemptIndex(attempt);
        var streamName = StreamName(stream);
        var record = await FindAttemptAsync(context, runId, index).ConfigureAwait(false);
        var file = record?.OutputDir is { } directory ? Path.Combine(directory, $"agent.{streamName}.log") : null;
        return Serve(file, $"Attempt output not found for run \"{runId}\" attempt {index} ({streamName})");
    }

    private static async Task<IResult> FinalAsync(string runId, string attempt, HttpContext context)
    {
        var index = AttemptIndex(attempt);
        var record = await FindAttemptAsync(context, runId, index).ConfigureAwait(false)
            ?? throw new ApiProblemException(ApiProblem.NotFound($"Attempt {index} not found for run \"{runId}\""));
        var file = record.OutputDir is { } directory ? Path.Combine(directory, "agent.final.txt") : null;
        return Serve(file, $"Final output not found for run \"{runId}\" attempt {index}");
    }

    private static async Task<IResult> CheckAsync(string runId, string attempt, string name, [FromQuery(Name = "stream")] string? stream, HttpContext context)
    {
        var index = AttemptIndex(attempt);
        var streamName = StreamName(stream);
        // Routing decodes every escape in a segment except %2F, which a check named "unit/tests" needs.
        name = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var record = await FindAttemptAsync(context, runId, index).ConfigureAwait(false);
        string? file = null;
        if (record is not null)
        {
            if (record.CheckResults.FirstOrDefault(c => c.Name == name) is { } check)
            {
                file = streamName == "stdout" ? check.StdoutPath : check.StderrPath;
            }
            else if (record.OutputDir is { } directory)
            {
                // A check still running has no record yet; its log is <NN>-<sanitized name>.<stream>.log.
                file = RunningCheckLog(Path.Combine(directory, "checks"), name, streamName);
            }
        }

        return Serve(file, $"Check output not found for run \"{runId}\" attempt {index} check \"{name}\" ({streamName})");
    }

    private static string? RunningCheckLog(string checksDirectory, string name, string streamName)
    {
        if (!Directory.Exists(checksDirectory))
        {
            return null;
        }

        var suffix = "-" + UnsafeFileNameCharacters().Replace(name, "_") + "." + streamName + ".log";
        return Directory.EnumerateFiles(checksDirectory)
            .Where(f => Path.GetFileName(f) is { } fileName && fileName.EndsWith(suffix, StringComparison.Ordinal)
                && fileName.Length == suffix.Length + 2 && char.IsAsciiDigit(fileName[0]) && char.IsAsciiDigit(fileName[1]))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static IResult Serve(string? file, string notFound)
    {
        FileStream stream;
        try
        {
            stream = file is null
                ? throw new FileNotFoundException()
                : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ApiProblemException(ApiProblem.NotFound(notFound));
        }

        return Results.Stream(stream, TextPlain);
    }

    private static async Task<AttemptRecord?> FindAttemptAsync(HttpContext context, string runId, int index)
    {
        var orchestrator = context.RequestServices.GetService<IRunOrchestrator>() ?? throw new ApiProblemException(new ApiProblem
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Code = "runs_unavailable",
            Title = "The runs lane is not available",
            Detail = "This daemon was started without a run orchestrator, so /runs is not available.",
        });
        _ = await orchestrator.GetAsync(runId, context.RequestAborted).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        var attempts = await orchestrator.GetAttemptsAsync(runId, context.RequestAborted).ConfigureAwait(false);
        return attempts.FirstOrDefault(a => a.AttemptIndex == index);
    }

    private static int AttemptIndex(string attempt) =>
        int.TryParse(attempt, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1
            ? index
            : throw new ApiProblemException(ApiProblem.Validation("attempt", $"The attempt number must be a whole number from 1; got \"{attempt}\"."));

    private static string StreamName(string? stream) => stream switch
    {
        "stdout" or "stderr" => stream,
        null or "" => throw new ApiProblemException(ApiProblem.Validation("stream", "Query parameter \"stream\" is required: stdout or stderr.")),
        _ => throw new ApiProblemException(ApiProblem.Validation("stream", $"Query parameter \"stream\" must be stdout or stderr; got \"{stream}\".")),
    };

    // The orchestrator's (and the original's) check log names: runs of other characters become one underscore.
    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeFileNameCharacters();
}
