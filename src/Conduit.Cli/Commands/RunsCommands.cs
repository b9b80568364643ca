using System.CommandLine;
using Conduit.Cli.Daemon;
using Conduit.Cli.Hosting;
using Conduit.Cli.Runs;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit runs start|list|show|logs</c>: execution-mode runs, in-process; <c>runs create|get|watch|cancel</c> (the
/// original Conduit's verbs, in <c>RunsCommands.Compat.cs</c>) go through the daemon at <c>--base-url</c> when one answers.
/// </summary>
internal static partial class RunsCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var stateDir = new Option<string?>("--state-dir") { Description = "The state directory (default $CONDUIT_STATE_DIR, else ~/.conduit).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the run record as JSON.", Recursive = true };
        var runs = new Command("runs", "Execution mode: policy runs with checks, retries and escalation.");
        runs.Options.Add(stateDir);
        runs.Options.Add(json);
        runs.Options.Add(DaemonTokenFile.CreateOption());
        runs.Subcommands.Add(Start(environment, stateDir, json));
        runs.Subcommands.Add(List(environment, stateDir, json));
        runs.Subcommands.Add(Show(environment, stateDir, json));
        runs.Subcommands.Add(Logs(environment, stateDir));
        runs.Subcommands.Add(Cancel(environment, stateDir, json));
        runs.Subcommands.Add(CreateCompatible(environment, stateDir, json));
        runs.Subcommands.Add(GetCompatible(environment, stateDir, json));
        runs.Subcommands.Add(WatchCompatible(environment, stateDir, json));
        return runs;
    }

    private static Command Start(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var project = new Option<string>("--project") { Description = "The project id (or path).", Required = true };
        var policy = new Option<string>("--policy") { Description = "The policy id (.conduit/policies/<id>).", Required = true };
        var input = new Option<string[]>("--input") { Description = "An input value, key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var inputFile = new Option<string?>("--input-file") { Description = "A JSON object file with the input." };
        var metadata = new Option<string?>("--metadata") { Description = "Your metadata, stored with the run: a JSON object or @file." };
        var key = new Option<string?>("--idempotency-key") { Description = "Submitting the same key again returns the same run." };
        var externalRef = new Option<string?>("--external-ref") { Description = "Your reference; the same project, policy and ref return the same run." };
        var runner = new Option<string?>("--runner") { Description = "Replace the policy's runner: provider, provider/model or provider:model." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Override the policy's max_attempts." };
        var timeout = new Option<string?>("--timeout") { Description = "Total timeout (e.g. 30m), overriding the policy's." };
        var wait = new Option<bool>("--wait") { Description = "Execute the run here and wait; the exit code is 0 only when it succeeded." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Like --wait, printing progress and logs as they happen." };
        var command = new Command("start", "Submit a run of a policy.") { project, policy, input, inputFile, metadata, key, externalRef, runner, maxAttempts, timeout, wait, follow };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            RunnerSpec? requested = parse.GetValue(runner) is { } runnerText ? RunnerSpec.Parse(runnerText) : null;
            TimeSpan? total = null;
            if (parse.GetValue(timeout) is { } timeoutText)
            {
                total = DurationParser.TryParse(timeoutText, out var parsed) ? parsed : throw new FormatException($"--timeout \"{timeoutText}\" is not a duration (e.g. 90, 30s, 10m, 2h).");
            }

            string projectId;
            await using (var resolving = RunsContext.Create(environment, parse.GetValue(stateDir)))
            {
                projectId = resolving.Projects.ProjectIdFor(parse.GetValue(project)!);
            }

            var submission = new RunSubmission
            {
                ProjectId = projectId,
                PolicyId = parse.GetValue(policy)!,
                Input = RunTextFormatter.ParseInputs(parse.GetValue(input) ?? [], parse.GetValue(inputFile), environment.WorkingDirectory),
                Metadata = parse.GetValue(metadata) is { } metadataText ? JsonObjectArgument.Parse("--metadata", metadataText, environment.WorkingDirectory) : null,
                IdempotencyKey = parse.GetValue(key),
                ExternalRef = parse.GetValue(externalRef),
                RequestedRunner = requested,
                MaxAttempts = parse.GetValue(maxAttempts),
                Timeout = total,
            };
            RunRecord run;
            await using (var submitter = RunsContext.Create(environment, parse.GetValue(stateDir)))
            {
                run = await submitter.Orchestrator.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
            }

            var following = parse.GetValue(follow);
            if (!parse.GetValue(wait) && !following)
            {
                Write(environment, run, null, parse.GetValue(json));
                if (!parse.GetValue(json))
                {
                    await environment.Error.WriteLineAsync("The run is queued; it executes in a running daemon (conduit serve) or with --wait.").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            await using var executor = RunsContext.Create(environment, parse.GetValue(stateDir), executeOnly: [run.RunId]);
            if (following && !parse.GetValue(json))
            {
                await environment.Out.WriteLineAsync($"run_id: {run.RunId}").ConfigureAwait(false);
            }

            try
            {
                if (following)
                {
                    await foreach (var runEvent in executor.Orchestrator.EventsAsync(run.RunId, 0, cancellationToken).ConfigureAwait(false))
                    {
                        if (!parse.GetValue(json) && RunTextFormatter.EventLine(runEvent) is { } line)
                        {
                            await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
                        }
                    }
                }

                var final = await executor.Orchestrator.WaitAsync(run.RunId, cancellationToken).ConfigureAwait(false);
                Write(environment, final, await executor.Orchestrator.GetAttemptsAsync(run.RunId, CancellationToken.None).ConfigureAwait(false), parse.GetValue(json));
                return ExitCode(final.Status);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await executor.Orchestrator.CancelAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
                await executor.Orchestrator.WaitAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
        }).ConfigureAwait(false));
        return command;
    }

    private static Command List(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var project = new Option<string?>("--project") { Description = "Only this project's runs." };
        var policy = new Option<string?>("--policy") { Description = "Only this policy's runs." };
        var status = new Option<string[]>("--status") { Description = "Only runs with this status (repeatable)." };
        var limit = new Option<int>("--limit") { Description = "At most this many runs.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List runs, newest first.") { project, policy, status, limit };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            await using var context = RunsContext.Create(environment, parse.GetValue(stateDir));
            var page = await context.Orchestrator.ListAsync(new RunQuery
            {
                ProjectId = parse.GetValue(project),
                PolicyId = parse.GetValue(policy),
                Statuses = parse.GetValue(status) is { Length: > 0 } statuses ? statuses.Select(RunStatusNames.Parse).ToArray() : null,
                Limit = parse.GetValue(limit),
            }, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await environment.Out.WriteLineAsync("[" + string.Join(",\n", page.Runs.Select(r => RunTextFormatter.Json(r))) + "]").ConfigureAwait(false);
            }
            else
            {
                foreach (var run in page.Runs)
                {
                    await environment.Out.WriteLineAsync($"{run.RunId}\t{run.Status.ToName()}\t{run.ProjectId}\t{run.PolicyId}\t{run.CreatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}").ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Show(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var attempts = new Option<bool>("--attempts") { Description = "Also print attempts and their checks." };
        var command = new Command("show", "Print a run.") { id, attempts };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            await using var context = RunsContext.Create(environment, parse.GetValue(stateDir));
            var runId = parse.GetValue(id)!;
            var run = await context.Orchestrator.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
            var attemptRecords = parse.GetValue(attempts) || parse.GetValue(json) ? await context.Orchestrator.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false) : null;
            Write(environment, run, attemptRecords, parse.GetValue(json));
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Logs(CliEnvironment environment, Option<string?> stateDir)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing until the run ends." };
        var raw = new Option<bool>("--raw") { Description = "Print the event log's JSON lines." };
        var command = new Command("logs", "Print a run's progress and logs from its event log.") { id, follow, raw };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            await using var context = RunsContext.Create(environment, parse.GetValue(stateDir));
            var runId = parse.GetValue(id)!;
            var run = await context.Orchestrator.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
            var file = Path.Combine(context.StateDirectory, "runs", runId, "events.jsonl");
            if (!parse.GetValue(follow))
            {
                foreach (var line in File.Exists(file) ? await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false) : [])
                {
                    await WriteEventAsync(environment, line, parse.GetValue(raw)).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            await foreach (var runEvent in context.Orchestrator.EventsAsync(run.RunId, 0, cancellationToken).ConfigureAwait(false))
            {
                await WriteEventAsync(environment, System.Text.Json.JsonSerializer.Serialize(runEvent, ConduitJson.Options), parse.GetValue(raw)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Cancel(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var command = new Command("cancel", "Cancel a run (through the daemon at --base-url when one answers): a queued one at once, a running one by stopping its processes.") { id };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            await using var transport = await RunsTransport.ConnectAsync(environment, parse, parse.GetValue(stateDir), cancellationToken).ConfigureAwait(false);
            var runId = parse.GetValue(id)!;
            var canceled = await transport.CancelAsync(runId, cancellationToken).ConfigureAwait(false);
            await environment.Out.WriteLineAsync(parse.GetValue(json)
                ? $"{{\"run_id\":{System.Text.Json.JsonSerializer.Serialize(runId)},\"canceled\":{(canceled ? "true" : "false")}}}"
                : $"run_id: {runId}\ncanceled: {(canceled ? "true" : "false")}").ConfigureAwait(false);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static async Task WriteEventAsync(CliEnvironment environment, string line, bool raw)
    {
        if (raw)
        {
            await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
            return;
        }

        var runEvent = System.Text.Json.JsonSerializer.Deserialize<RunEvent>(line, ConduitJson.Options);
        if (runEvent is not null && RunTextFormatter.EventLine(runEvent) is { } text)
        {
            await environment.Out.WriteLineAsync(text).ConfigureAwait(false);
        }
    }

    private static void Write(CliEnvironment environment, RunRecord run, IReadOnlyList<AttemptRecord>? attempts, bool json)
    {
        if (json)
        {
            environment.Out.WriteLine(RunTextFormatter.Json(run, attempts));
        }
        else
        {
            RunTextFormatter.WriteRun(environment.Out, run, attempts);
        }
    }

    /// <summary>0 only when the run succeeded; 124 timed out; 130 canceled; 1 otherwise.</summary>
    internal static int ExitCode(RunStatus status) => status switch
    {
        RunStatus.Succeeded => ExitCodes.Success,
        RunStatus.TimedOut => ExitCodes.TimedOut,
        RunStatus.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.AgentFailed,
    };

    /// <summary>Turns expected errors into <c>Error: message</c> on stderr and an exit code.</summary>
    internal static async Task<int> Guard(CliEnvironment environment, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConduitException or FormatException or ArgumentException or IOException or System.Text.Json.JsonException)
        {
            await environment.Error.WriteLineAsync($"Error: {exception.Message}").ConfigureAwait(false);
            return exception switch
            {
                PolicyInvalidException or ConfigurationFileException => ExitCodes.ConfigurationError,
                FormatException or ArgumentException or System.Text.Json.JsonException or UnknownProviderException => ExitCodes.UsageError,
                _ => ExitCodes.AgentFailed,
            };
        }
    }
}
