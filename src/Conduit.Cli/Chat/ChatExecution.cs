using Conduit.Cli.Hosting;
using Conduit.Configuration;
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

        if (!TryBuildRequest(environment, configuration, invocation, workingDirectory, out var request, out var problem))
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
        return await StreamAsync(environment, runner, request, invocation.Format, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams one run through <paramref name="runner"/> to the console; returns the exit code.</summary>
    public static async Task<int> StreamAsync(CliEnvironment environment, IAgentRunner runner, AgentRequest request, ChatOutputFormat format, CancellationToken cancellationToken)
    {
        var renderer = new ChatRenderer(environment, format);
        var fold = new AgentEventFold(request.Runner);
        try
        {
            await foreach (var agentEvent in runner.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                fold.Add(agentEvent);
                renderer.Write(agentEvent);
            }
        }
        catch (ProviderNotInstalledException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ProviderNotInstalled;
        }

        var result = fold.ToResult();
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
