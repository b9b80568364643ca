using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Runners.Transcripts;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Cli.Chat;

/// <summary>Runs <c>conduit chat</c>: resolves runner, project and directory from flags and configuration, streams, summarizes.</summary>
internal static class ChatExecution
{
    public static async Task<int> RunAsync(CliEnvironment environment, ChatInvocation invocation, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.TryLoad(environment);
        if (configuration is null)
        {
            return ExitCodes.ConfigurationError;
        }

        string? workingDirectory;
        try
        {
            (configuration, workingDirectory) = ResolveProject(environment, configuration, invocation);
        }
        catch (ConduitException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return exception is ConfigurationFileException ? ExitCodes.ConfigurationError : ExitCodes.UsageError;
        }

        // The transcript is made once the prompt is known (it may come from stdin); stderr lines go to it from then on.
        ChatTranscript? transcript = null;
        if (!TryBuildRequest(environment, configuration, invocation, workingDirectory, line => transcript?.WriteStandardErrorLine(line), out var request, out var problem))
        {
            CliConfiguration.WriteError(environment, problem);
            return ExitCodes.UsageError;
        }

        await using var fakeModel = invocation.FakeModelReply is { } reply
            ? await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text(reply) }, cancellationToken).ConfigureAwait(false)
            : null;
        await using var services = CliServices.Build(environment, configuration, fakeModel is null ? null : s => s.AddConduit().UseFakeModelServer(fakeModel));
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ConfigurationError;
        }

        var runner = services.GetRequiredService<IAgentRunner>();
        // As the original: the thread is the resumed session when resuming, else a new one; each turn is a new item.
        try
        {
            transcript = ChatTranscript.Start(configuration.Settings.StateDirectory, new ChatTranscriptTurn
            {
                ThreadId = request.ResumeSessionId ?? Guid.NewGuid().ToString(),
                QueueItemId = Guid.NewGuid().ToString(),
                Prompt = request.Prompt,
                Runner = request.Runner,
                ProjectId = invocation.ProjectId,
                CreatedAt = environment.TimeProvider.GetUtcNow(),
            });
        }
        catch (ConduitException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ConfigurationError;
        }

        using (transcript)
        {
            return await StreamAsync(environment, runner, request, invocation.Format, transcript, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Streams one run through <paramref name="runner"/> to the console and the transcript; returns the exit code.</summary>
    private static async Task<int> StreamAsync(CliEnvironment environment, IAgentRunner runner, AgentRequest request, ChatOutputFormat format, ChatTranscript transcript, CancellationToken cancellationToken)
    {
        var renderer = new ChatRenderer(environment, format);
        var fold = new AgentEventFold(request.Runner);
        try
        {
            await foreach (var agentEvent in runner.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                fold.Add(agentEvent);
                transcript.WriteEvent(agentEvent);
                renderer.Write(agentEvent);
            }
        }
        catch (ProviderNotInstalledException exception)
        {
            transcript.Complete(null, new ChatTranscriptExit { FinalState = "failed" });
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ProviderNotInstalled;
        }

        var result = fold.ToResult();
        transcript.Complete(result, new ChatTranscriptExit
        {
            Code = result.ExitCode,
            Signal = result.Outcome == AgentOutcome.Cancelled ? "SIGTERM" : null,
            FinalState = result.Outcome switch
            {
                AgentOutcome.Succeeded => "completed",
                AgentOutcome.Cancelled => "cancelled",
                _ => "failed",
            },
            EndedAt = environment.TimeProvider.GetUtcNow(),
        });
        renderer.Finish(result);
        return result.Outcome.ToExitCode();
    }

    private static (ConduitConfiguration Configuration, string WorkingDirectory) ResolveProject(CliEnvironment environment, ConduitConfiguration configuration, ChatInvocation invocation)
    {
        var cwd = invocation.WorkingDirectory is { } dir ? Path.GetFullPath(dir, environment.WorkingDirectory) : null;
        if (invocation.ProjectId is not { } projectId)
        {
            return (configuration, cwd ?? environment.WorkingDirectory);
        }

        var registry = new ProjectRegistry(configuration);
        var projectPath = registry.ResolvePath(projectId);
        return (registry.LoadConfigurationFor(projectId), cwd ?? projectPath);
    }

    private static bool TryBuildRequest(
        CliEnvironment environment,
        ConduitConfiguration configuration,
        ChatInvocation invocation,
        string workingDirectory,
        Action<string> onStandardErrorLine,
        out AgentRequest request,
        out string problem)
    {
        request = null!;
        problem = "";
        RunnerSpec spec;
        try
        {
            spec = RunnerSpec.Parse(invocation.Runner ?? configuration.Settings.DefaultRunner);
        }
        catch (Exception exception) when (exception is ArgumentException or UnknownProviderException)
        {
            problem = exception.Message;
            return false;
        }

        if (!TryParseDuration(invocation.Timeout, "--timeout", out var timeout, ref problem)
            || !TryParseDuration(invocation.IdleTimeout, "--idle-timeout", out var idleTimeout, ref problem))
        {
            return false;
        }

        if (!Directory.Exists(workingDirectory))
        {
            problem = $"--cwd \"{workingDirectory}\" does not exist.";
            return false;
        }

        var prompt = invocation.Prompt == "-" ? environment.In.ReadToEnd() : invocation.Prompt;
        if (string.IsNullOrWhiteSpace(prompt))
        {
            problem = "Prompt cannot be empty.";
            return false;
        }

        request = new AgentRequest
        {
            Prompt = prompt,
            Runner = spec,
            Model = invocation.Model,
            WorkingDirectory = workingDirectory,
            ResumeSessionId = invocation.ResumeSessionId,
            Args = invocation.PassthroughArguments,
            Timeout = timeout,
            IdleTimeout = idleTimeout,
            PermissionMode = invocation.PermissionMode,
            MaxTurns = invocation.MaxTurns,
            OnStandardErrorLine = onStandardErrorLine,
        };
        return true;
    }

    private static bool TryParseDuration(string? text, string option, out TimeSpan? duration, ref string problem)
    {
        duration = null;
        if (text is null)
        {
            return true;
        }

        if (DurationParser.TryParse(text, out var parsed))
        {
            duration = parsed;
            return true;
        }

        problem = $"{option} \"{text}\" is not a duration; write e.g. 90, 30s, 10m or 1h.";
        return false;
    }
}
