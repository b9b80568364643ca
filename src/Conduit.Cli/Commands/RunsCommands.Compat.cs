using System.CommandLine;
using System.Text.Json.Nodes;
using Conduit.Cli.Daemon;
using Conduit.Cli.Hosting;
using Conduit.Cli.Runs;

namespace Conduit.Cli.Commands;

/// <summary>
/// The original Conduit's <c>runs create|get|watch</c> (and <c>cancel</c>, in <c>RunsCommands.cs</c>): over HTTP when a
/// daemon answers <c>GET /healthz</c> at <c>--base-url</c>, in this process on the same state otherwise.
/// </summary>
internal static partial class RunsCommands
{
    private static readonly TimeSpan WaitInterval = TimeSpan.FromSeconds(1);

    private static Command CreateCompatible(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var project = new Option<string>("--project") { Description = "The project id (or path).", Required = true };
        var policy = new Option<string>("--policy") { Description = "The policy id.", Required = true };
        var input = new Option<string?>("--input") { Description = "The run input: a JSON object, or @file holding one (default {})." };
        var runner = new Option<string?>("--runner") { Description = "Replace the policy's runner: provider, provider/model or provider:model." };
        var model = new Option<string?>("--model") { Description = "The model for --runner (use either this or --runner provider/model)." };
        var timeoutSeconds = new Option<int?>("--timeout-seconds") { Description = "Total timeout of the run in seconds." };
        var externalRef = new Option<string?>("--external-ref") { Description = "Your reference; the same project, policy and ref return the same run." };
        var metadata = new Option<string?>("--metadata") { Description = "Your metadata, stored with the run: a JSON object or @file." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end, printing progress; the exit code is 0 only when it succeeded." };
        var attempts = new Option<bool>("--attempts") { Description = "With --wait: also print the attempts and their checks." };
        var command = new Command("create", "Submit a run (the original Conduit's form of `runs start`).")
        {
            project, policy, input, runner, model, timeoutSeconds, externalRef, metadata, wait, attempts,
        };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            var seconds = parse.GetValue(timeoutSeconds);
            if (seconds is <= 0)
            {
                throw new FormatException($"--timeout-seconds must be a positive number of seconds; got {seconds}.");
            }

            var submission = new RunSubmission
            {
                ProjectId = parse.GetValue(project)!,
                PolicyId = parse.GetValue(policy)!,
                Input = parse.GetValue(input) is { } inputText ? JsonObjectArgument.Parse("--input", inputText, environment.WorkingDirectory) : [],
                Metadata = parse.GetValue(metadata) is { } metadataText ? JsonObjectArgument.Parse("--metadata", metadataText, environment.WorkingDirectory) : null,
                ExternalRef = parse.GetValue(externalRef),
                RequestedRunner = RequestedRunner(parse.GetValue(runner), parse.GetValue(model)),
                Timeout = seconds is { } value ? TimeSpan.FromSeconds(value) : null,
            };
            await using var transport = await RunsTransport.ConnectAsync(environment, parse, parse.GetValue(stateDir), cancellationToken).ConfigureAwait(false);
            var created = await transport.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
            var runId = created["run_id"]!.GetValue<string>();
            var asJson = parse.GetValue(json);
            if (!parse.GetValue(wait))
            {
                if (asJson)
                {
                    CliConfiguration.WriteJson(environment, created);
                }
                else
                {
                    await environment.Out.WriteLineAsync(CreatedLine(created)).ConfigureAwait(false);
                    if (transport is InProcessRunsTransport local)
                    {
                        await environment.Error.WriteLineAsync(
                            $"No Conduit daemon answers at {DaemonAddress.Display(transport.BaseUrl)}: the run is queued in {local.StateDirectory}. " +
                            $"It executes when a daemon starts (conduit runtime start, conduit serve) or while `conduit runs watch {runId}` runs.").ConfigureAwait(false);
                    }
                }

                return ExitCodes.Success;
            }

            if (!asJson)
            {
                await environment.Out.WriteLineAsync(CreatedLine(created)).ConfigureAwait(false);
            }

            return await WatchAsync(environment, transport, runId, WaitInterval, parse.GetValue(attempts), asJson, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false));
        return command;
    }

    private static Command GetCompatible(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var attempts = new Option<bool>("--attempts") { Description = "Also print attempts and their checks." };
        var command = new Command("get", "Print a run (exit 0 whatever its status).") { id, attempts };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            await using var transport = await RunsTransport.ConnectAsync(environment, parse, parse.GetValue(stateDir), cancellationToken).ConfigureAwait(false);
            var snapshot = await transport.GetAsync(parse.GetValue(id)!, parse.GetValue(attempts), cancellationToken).ConfigureAwait(false);
            WriteSnapshot(environment, snapshot, parse.GetValue(attempts), parse.GetValue(json));
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command WatchCompatible(CliEnvironment environment, Option<string?> stateDir, Option<bool> json)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var interval = new Option<int>("--interval") { Description = "Milliseconds between polls.", DefaultValueFactory = _ => 1000 };
        var attempts = new Option<bool>("--attempts") { Description = "Also print attempts and their checks at the end." };
        var command = new Command("watch", "Print a run's progress until it ends; the exit code is 0 only when it succeeded.") { id, interval, attempts };
        command.SetAction(async (parse, cancellationToken) => await Guard(environment, async () =>
        {
            var milliseconds = parse.GetValue(interval);
            if (milliseconds <= 0)
            {
                throw new FormatException($"--interval must be a positive number of milliseconds; got {milliseconds}.");
            }

            await using var transport = await RunsTransport.ConnectAsync(environment, parse, parse.GetValue(stateDir), cancellationToken).ConfigureAwait(false);
            return await WatchAsync(environment, transport, parse.GetValue(id)!, TimeSpan.FromMilliseconds(milliseconds), parse.GetValue(attempts), parse.GetValue(json), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>Polls the run until it ends, printing progress lines (text) and then the run; returns the run's exit code.</summary>
    private static async Task<int> WatchAsync(CliEnvironment environment, RunsTransport transport, string runId, TimeSpan interval, bool attempts, bool json, CancellationToken cancellationToken)
    {
        // Fails with "Run ... not found" before anything executes.
        var snapshot = await transport.GetAsync(runId, includeAttempts: true, cancellationToken).ConfigureAwait(false);
        var executesHere = !transport.IsDaemon && snapshot.Run.Status == RunStatus.Queued;
        if (executesHere)
        {
            await transport.ExecuteWhileWatchingAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        var progress = json ? null : new RunProgressPrinter(environment.Out);
        try
        {
            while (true)
            {
                progress?.Print(snapshot);
                if (snapshot.Run.Status.IsTerminal())
                {
                    break;
                }

                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                snapshot = await transport.GetAsync(runId, includeAttempts: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a run this process executes is canceled; a daemon's run goes on.
            if (executesHere)
            {
                await transport.CancelAsync(runId, CancellationToken.None).ConfigureAwait(false);
            }

            return ExitCodes.Cancelled;
        }

        WriteSnapshot(environment, snapshot, attempts, json);
        return ExitCode(snapshot.Run.Status);
    }

    private static void WriteSnapshot(CliEnvironment environment, RunSnapshot snapshot, bool attempts, bool json)
    {
        if (json)
        {
            var document = (JsonObject)snapshot.Json.DeepClone();
            if (!attempts)
            {
                document.Remove("attempts");
            }

            CliConfiguration.WriteJson(environment, document);
        }
        else
        {
            RunTextFormatter.WriteRun(environment.Out, snapshot.Run, attempts ? snapshot.Attempts : null);
        }
    }

    private static string CreatedLine(JsonObject created) =>
        $"created {created["run_id"]} status={created["status"]} project={created["project_id"]} policy={created["policy_id"]}";

    /// <summary><c>--runner provider[/model]</c> plus <c>--model</c>: the model needs a runner, and only one of the two forms.</summary>
    private static RunnerSpec? RequestedRunner(string? runner, string? model)
    {
        if (runner is null)
        {
            return model is null ? null : throw new FormatException($"--model \"{model}\" needs --runner (e.g. --runner claude --model {model}).");
        }

        var spec = RunnerSpec.Parse(runner);
        if (model is null)
        {
            return spec;
        }

        return spec.Model is null
            ? new RunnerSpec(spec.Provider, model)
            : throw new FormatException($"--runner \"{runner}\" already names a model; use either --runner provider/model or --runner provider --model {model}, not both.");
    }
}
