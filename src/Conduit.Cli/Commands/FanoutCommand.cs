using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Cli.FanOut;
using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.FanOut;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

[assembly: InternalsVisibleTo("Conduit.Cli.Tests")]

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit fanout "&lt;prompt&gt;" --runner claude --runner codex/gpt-5 [--repeat 3] [--policy ID --project P --input k=v]
/// [--consensus majority|first-pass|score|judge:&lt;runner&gt;] [--verify CMD] [--max-concurrency N] [--cwd DIR] [--json|--markdown]</c>:
/// one task on several runners in parallel, a live progress table, then a comparison table. See docs/fanout.md.
/// </summary>
internal static class FanoutCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var prompt = new Argument<string?>("PROMPT") { Description = "The task for every runner (omit with --policy).", Arity = ArgumentArity.ZeroOrOne };
        var runner = new Option<string[]>("--runner", "-r") { Description = "A runner: provider or provider/model (claude, codex/gpt-5, gemini). Repeat for each runner.", Arity = ArgumentArity.OneOrMore, Required = true };
        var repeat = new Option<int>("--repeat") { Description = "How many times each runner does the task.", DefaultValueFactory = _ => 1 };
        var policy = new Option<string?>("--policy") { Description = "Run this policy (with its checks and retries) instead of a chat prompt." };
        var project = new Option<string?>("--project") { Description = "The project of the policy run." };
        var input = new Option<string[]>("--input") { Description = "A policy input value, key=value (the value may be JSON). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var consensus = new Option<string?>("--consensus") { Description = "How the winner is chosen: " + ConsensusStrategies.Names + "." };
        var cancelRest = new Option<bool>("--cancel-rest") { Description = "Cancel the remaining trials as soon as one passes (first-to-pass)." };
        var verify = new Option<string?>("--verify") { Description = "A shell command run in each trial's workspace afterwards; exit code 0 means the trial passed." };
        var maxConcurrency = new Option<int?>("--max-concurrency") { Description = "How many trials run at once (default: all)." };
        var cwd = new Option<string?>("--cwd") { Description = "The directory to work in (default: the current one)." };
        var workspaces = new Option<string>("--workspaces") { Description = "auto (a git worktree per trial when in a repository), worktree, or shared.", DefaultValueFactory = _ => "auto" };
        var keepWorktrees = new Option<bool>("--keep-worktrees") { Description = "Keep each trial's worktree instead of removing it." };
        var permission = new Option<string?>("--permission-mode") { Description = "default, read-only, accept-edits or full-access." };
        var timeout = new Option<string?>("--timeout") { Description = "The most time each agent run may take (e.g. 90s, 10m)." };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON." };
        var markdown = new Option<bool>("--markdown") { Description = "Print the comparison as Markdown tables." };

        var command = new Command("fanout", "Run one task on several agents in parallel and compare them on cost, speed and quality.")
        {
            prompt, runner, repeat, policy, project, input, consensus, cancelRest, verify, maxConcurrency, cwd, workspaces, keepWorktrees, permission, timeout, json, markdown,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var invocation = new FanOutInvocation
            {
                Prompt = parseResult.GetValue(prompt),
                Runners = parseResult.GetValue(runner) ?? [],
                Repeat = parseResult.GetValue(repeat),
                PolicyId = parseResult.GetValue(policy),
                ProjectId = parseResult.GetValue(project),
                Inputs = parseResult.GetValue(input) ?? [],
                Consensus = parseResult.GetValue(consensus),
                CancelRest = parseResult.GetValue(cancelRest),
                Verify = parseResult.GetValue(verify),
                MaxConcurrency = parseResult.GetValue(maxConcurrency),
                WorkingDirectory = parseResult.GetValue(cwd),
                Workspaces = parseResult.GetValue(workspaces) ?? "auto",
                KeepWorktrees = parseResult.GetValue(keepWorktrees),
                PermissionMode = parseResult.GetValue(permission),
                Timeout = parseResult.GetValue(timeout),
                Json = parseResult.GetValue(json),
                Markdown = parseResult.GetValue(markdown),
            };
            return await RunAsync(environment, invocation, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment environment, FanOutInvocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Json && invocation.Markdown)
        {
            return Fail(environment, "--json and --markdown cannot be combined.");
        }

        var configuration = CliConfiguration.TryLoad(environment);
        if (configuration is null)
        {
            return ExitCodes.ConfigurationError;
        }

        var provider = CliServices.Build(environment, configuration, services =>
        {
            services.AddConduitFanOut();
            if (invocation.PolicyId is not null)
            {
                // Policy trials run through an in-process orchestrator on the configured state dir and projects.
                services.AddSingleton<IProjectResolver>(new ConfigurationProjectResolver(new ProjectRegistry(configuration)));
                services.AddConduitRuns(options => options.ConfigureFrom(configuration.Settings));
            }
        });
        try
        {
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (OptionsValidationException exception)
            {
                return Fail(environment, exception.Message, ExitCodes.ConfigurationError);
            }

            var fanOut = provider.GetRequiredService<AgentFanOut>();

            FanOutRequest request;
            try
            {
                request = BuildRequest(environment, invocation, fanOut.Runners);
                request.Validate();
            }
            catch (Exception exception) when (exception is ArgumentException or UnknownProviderException or JsonException)
            {
                return Fail(environment, exception.Message);
            }

            var redraw = !invocation.Json && !invocation.Markdown && ReferenceEquals(environment.Out, Console.Out) && !Console.IsOutputRedirected;
            var progress = new FanOutProgressTable(redraw ? environment.Out : environment.Error, redraw, environment.TimeProvider, request.PlanTrials());

            FanOutResult result;
            using (var ticking = new CancellationTokenSource())
            {
                var ticker = redraw ? TickAsync(progress, environment.TimeProvider, ticking.Token) : Task.CompletedTask;
                try
                {
                    result = await fanOut.RunAsync(request, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (FanOutException exception)
                {
                    return Fail(environment, exception.Message, ExitCodes.ConfigurationError);
                }
                finally
                {
                    await ticking.CancelAsync().ConfigureAwait(false);
                    await ticker.ConfigureAwait(false);
                }
            }

            if (redraw)
            {
                environment.Out.WriteLine();
            }

            if (invocation.Json)
            {
                environment.Out.WriteLine(JsonSerializer.Serialize(result, IndentedJson));
            }
            else if (invocation.Markdown)
            {
                FanOutTables.WriteMarkdown(environment.Out, result);
            }
            else
            {
                FanOutTables.WriteText(environment.Out, result);
            }

            environment.Out.Flush();
            if (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }

            var succeeded = request.Consensus is null ? result.Trials.Any(t => t.Passed) : result.Tasks.All(t => t.Consensus?.HasWinner == true);
            return succeeded ? ExitCodes.Success : ExitCodes.AgentFailed;
        }
        finally
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static FanOutRequest BuildRequest(CliEnvironment environment, FanOutInvocation invocation, IAgentRunnerFactory runners)
    {
        FanOutTask task;
        if (invocation.PolicyId is not null)
        {
            if (invocation.Prompt is not null)
            {
                throw new ArgumentException("Give either a prompt or --policy, not both.");
            }

            if (invocation.ProjectId is null)
            {
                throw new ArgumentException("--policy needs --project.");
            }

            task = FanOutTask.Policy(invocation.ProjectId, invocation.PolicyId, ParseInputs(invocation.Inputs));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(invocation.Prompt))
            {
                throw new ArgumentException("Give a prompt, or --policy with --project.");
            }

            if (invocation.Inputs.Length > 0)
            {
                throw new ArgumentException("--input is for policy runs (--policy).");
            }

            task = FanOutTask.Chat(invocation.Prompt);
        }

        TimeSpan? timeout = null;
        if (invocation.Timeout is not null)
        {
            timeout = DurationParser.TryParse(invocation.Timeout, out var parsed) ? parsed : throw new ArgumentException($"--timeout \"{invocation.Timeout}\" is not a duration (e.g. 90s, 10m, 1h).");
        }

        var consensus = invocation.Consensus is null ? null : ConsensusStrategies.Parse(invocation.Consensus, runners);
        return new FanOutRequest
        {
            Tasks = [task],
            Runners = invocation.Runners.Select(FanOutRunner.Parse).ToArray(),
            Repetitions = invocation.Repeat,
            MaxConcurrency = invocation.MaxConcurrency,
            WorkingDirectory = Path.GetFullPath(invocation.WorkingDirectory ?? ".", environment.WorkingDirectory),
            Workspaces = invocation.Workspaces.ToLowerInvariant() switch
            {
                "auto" => FanOutWorkspaceMode.Auto,
                "worktree" or "worktrees" => FanOutWorkspaceMode.Worktree,
                "shared" => FanOutWorkspaceMode.Shared,
                _ => throw new ArgumentException($"--workspaces \"{invocation.Workspaces}\" is not one of auto, worktree, shared."),
            },
            KeepWorkspaces = invocation.KeepWorktrees,
            VerifyCommand = invocation.Verify,
            Consensus = consensus,
            StopOnFirstPass = invocation.CancelRest,
            PermissionMode = invocation.PermissionMode?.ToLowerInvariant() switch
            {
                null => null,
                "default" => AgentPermissionMode.Default,
                "read-only" or "readonly" => AgentPermissionMode.ReadOnly,
                "accept-edits" or "acceptedits" => AgentPermissionMode.AcceptEdits,
                "full-access" or "fullaccess" => AgentPermissionMode.FullAccess,
                _ => throw new ArgumentException($"--permission-mode \"{invocation.PermissionMode}\" is not one of default, read-only, accept-edits, full-access."),
            },
            Timeout = timeout,
        };
    }

    /// <summary><c>key=value</c> pairs; a value that parses as JSON (number, true, object, ...) is kept as JSON, else it is a string.</summary>
    internal static JsonObject ParseInputs(string[] pairs)
    {
        var input = new JsonObject();
        foreach (var pair in pairs)
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new ArgumentException($"--input \"{pair}\" is not key=value.");
            }

            var value = pair[(separator + 1)..];
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                node = JsonValue.Create(value);
            }

            input[pair[..separator]] = node ?? JsonValue.Create(value);
        }

        return input;
    }

    private static async Task TickAsync(FanOutProgressTable progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                progress.Tick();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int Fail(CliEnvironment environment, string message, int exitCode = ExitCodes.UsageError)
    {
        environment.Error.WriteLine("Error: " + message);
        return exitCode;
    }

    private static readonly JsonSerializerOptions IndentedJson = new(ConduitJson.Options) { WriteIndented = true };

    private sealed class FanOutInvocation
    {
        public string? Prompt { get; init; }

        public required string[] Runners { get; init; }

        public int Repeat { get; init; }

        public string? PolicyId { get; init; }

        public string? ProjectId { get; init; }

        public required string[] Inputs { get; init; }

        public string? Consensus { get; init; }

        public bool CancelRest { get; init; }

        public string? Verify { get; init; }

        public int? MaxConcurrency { get; init; }

        public string? WorkingDirectory { get; init; }

        public required string Workspaces { get; init; }

        public bool KeepWorktrees { get; init; }

        public string? PermissionMode { get; init; }

        public string? Timeout { get; init; }

        public bool Json { get; init; }

        public bool Markdown { get; init; }
    }
}
