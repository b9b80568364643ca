using System.Collections;
using System.Runtime.CompilerServices;
using Conduit.Runners.Diagnostics;
using Conduit.Runners.Logging;
using Conduit.Runners.Parsing;
using Conduit.Runners.Processes;
using Conduit.Runners.Pricing;
using Conduit.Runners.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Conduit.Runners;

/// <summary>
/// Runs one agent CLI: maps the request onto argv, builds the child environment, launches the process under the
/// process launcher's hygiene, feeds stdout to the provider's parser and watches stderr, and ends with the parser's
/// completed event.
/// </summary>
internal abstract class AgentCliRunner : IAgentRunner
{
    private readonly AgentCli _cli;
    private readonly IOptionsMonitor<AgentRunnerOptions> _options;
    private readonly IOptionsMonitor<PriceTable> _prices;
    private readonly CliVersionProbe _versions;
    private readonly CodexThreadUsageLedger _codexUsage;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    protected AgentCliRunner(AgentCli cli, AgentRunnerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _cli = cli;
        _options = services.Options;
        _prices = services.Prices;
        _versions = services.Versions;
        _codexUsage = services.CodexUsage;
        _timeProvider = services.TimeProvider;
        _logger = services.LoggerFactory.CreateLogger(GetType());
    }

    /// <summary>The provider this runner drives.</summary>
    public string Provider => _cli.Provider;

    /// <summary>The caller's environment the child inherits from; the process environment unless a test replaces it.</summary>
    internal Func<IDictionary> InheritedEnvironment { get; init; } = System.Environment.GetEnvironmentVariables;

    public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var telemetry = AgentRunTelemetry.Start(Provider, request);
        var events = StreamCoreAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    telemetry.MakeCurrent();
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception exception)
                {
                    telemetry.Fail(exception);
                    throw;
                }

                telemetry.Observe(events.Current);
                yield return events.Current;
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<AgentEvent> StreamCoreAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.Runner.Provider != Provider)
        {
            throw new ArgumentException($"The {Provider} runner cannot run a request for {request.Runner.Provider}.", nameof(request));
        }

        var options = _options.Get(Provider);
        var executable = options.ExecutablePath ?? _cli.DefaultExecutable;
        var invocation = _cli.BuildInvocation(request, request.Args ?? options.DefaultArgs.ToArray());
        var inherited = InheritedEnvironment();
        var timeout = request.Timeout ?? options.Timeout;
        var idleTimeout = request.IdleTimeout ?? options.IdleTimeout;
        var context = new AgentStreamParserContext
        {
            TimeProvider = _timeProvider,
            PriceTable = _prices.CurrentValue,
            RequestedModel = request.EffectiveModel,
            PermissionMode = request.PermissionMode,
            ResumeSessionId = request.ResumeSessionId,
            CodexUsageLedger = _codexUsage,
        };
        var parser = _cli.CreateParser(context);

        // Claude reports its version in the stream; the others are asked once per executable, while the run starts.
        Task<string?>? version = options.ProbeVersion && Provider != AgentProviders.Claude
            ? ProbeVersionAsync(executable, inherited, cancellationToken)
            : null;

        var processOptions = new ChildProcessOptions
        {
            Executable = executable,
            Arguments = invocation.Arguments,
            WorkingDirectory = request.WorkingDirectory,
            Environment = ChildEnvironment.Build(Provider, inherited, options, request.Environment),
            StandardInput = invocation.StandardInput,
            Timeout = timeout,
            IdleTimeout = idleTimeout,
            KillGracePeriod = options.KillGracePeriod,
        };

        RunnerLog.RunStarted(_logger, Provider, executable, request.EffectiveModel, request.ResumeSessionId);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            var argv = string.Join(' ', invocation.Arguments);
            RunnerLog.Arguments(_logger, Provider, argv);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopping = false;
        AgentProcessEnd? end = null;
        string? launchFailure = null;
        var outputs = ChildProcess.RunAsync(processOptions, stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            while (true)
            {
                ChildProcessOutput output;
                try
                {
                    if (!await outputs.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    output = outputs.Current;
                }
                catch (ChildProcessLaunchException exception)
                {
                    if (!ExecutableExists(executable, processOptions.Environment))
                    {
                        RunnerLog.NotInstalled(_logger, Provider, executable);
                        throw new ProviderNotInstalledException(Provider, executable, _cli.InstallHint, exception);
                    }

                    launchFailure = exception.Message;
                    break;
                }

                if (output is ChildProcessStarted)
                {
                    // Reported once the CLI is known to start, so a missing CLI throws before any event.
                    foreach (var warning in invocation.Warnings)
                    {
                        yield return new WarningEvent { Message = warning, Provider = Provider, Timestamp = _timeProvider.GetUtcNow() };
                    }
                }

                switch (output)
                {
                    case StandardOutputLine line:
                        if (version is not null)
                        {
                            context.CliVersion = await version.ConfigureAwait(false);
                            version = null;
                        }

                        foreach (var agentEvent in parser.ParseLine(line.Text, line.LineNumber))
                        {
                            yield return agentEvent;
                        }

                        break;
                    case StandardErrorLine line:
                        RunnerLog.StandardErrorLine(_logger, Provider, line.Text);
                        parser.ObserveStandardError(line.Text);
                        request.OnStandardErrorLine?.Invoke(line.Text);
                        break;
                    case ChildProcessExited exited:
                        end = new AgentProcessEnd
                        {
                            Termination = exited.Termination,
                            ExitCode = exited.ExitCode,
                            Duration = exited.Duration,
                            StandardErrorTail = exited.StandardErrorTail,
                            TerminationReason = exited.Termination switch
                            {
                                ChildProcessTermination.TimedOut => $"the run exceeded its timeout of {timeout}",
                                ChildProcessTermination.IdleTimedOut => $"{Provider} printed nothing for {idleTimeout} (idle timeout)",
                                ChildProcessTermination.Cancelled => "cancelled by the caller",
                                _ => null,
                            },
                        };
                        break;
                }

                if (!stopping && parser.StopOutcome is { } stopOutcome)
                {
                    stopping = true;
                    RunnerLog.StoppingEarly(_logger, Provider, stopOutcome);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await outputs.DisposeAsync().ConfigureAwait(false);
        }

        if (launchFailure is not null)
        {
            var failed = new CompletedEvent
            {
                Outcome = AgentOutcome.LaunchFailed,
                Reason = launchFailure,
                Provider = Provider,
                Timestamp = _timeProvider.GetUtcNow(),
            };
            yield return new ErrorEvent { Message = launchFailure, Code = "launch_failed", IsFatal = true, Provider = Provider, Timestamp = failed.Timestamp };
            RunnerLog.RunEnded(_logger, Provider, failed.Outcome, TimeSpan.Zero, null, null);
            yield return failed;
            yield break;
        }

        end ??= new AgentProcessEnd { Termination = ChildProcessTermination.Cancelled, TerminationReason = "the process launcher ended without an exit" };
        foreach (var agentEvent in parser.Complete(end))
        {
            if (agentEvent is CompletedEvent completed)
            {
                RunnerLog.RunEnded(_logger, Provider, completed.Outcome, completed.Duration, completed.ExitCode, completed.SessionId);
            }

            yield return agentEvent;
        }
    }

    private async Task<string?> ProbeVersionAsync(string executable, IDictionary inherited, CancellationToken cancellationToken)
    {
        try
        {
            return await _versions.GetVersionAsync(executable, inherited, Provider, cancellationToken).ConfigureAwait(false);
        }
        catch (ChildProcessLaunchException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="executable"/> is a file, or a name found on the child's PATH.</summary>
    private static bool ExecutableExists(string executable, IReadOnlyDictionary<string, string>? environment)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(executable);
        }

        var path = environment is not null && environment.TryGetValue("PATH", out var value) ? value : System.Environment.GetEnvironmentVariable("PATH");
        return (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, executable)));
    }
}

/// <summary>What every runner needs from the container, in one argument.</summary>
internal sealed class AgentRunnerServices(
    IOptionsMonitor<AgentRunnerOptions> options,
    IOptionsMonitor<PriceTable> prices,
    CliVersionProbe versions,
    CodexThreadUsageLedger codexUsage,
    TimeProvider timeProvider,
    ILoggerFactory? loggerFactory = null)
{
    public IOptionsMonitor<AgentRunnerOptions> Options { get; } = options;

    public IOptionsMonitor<PriceTable> Prices { get; } = prices;

    public CliVersionProbe Versions { get; } = versions;

    public CodexThreadUsageLedger CodexUsage { get; } = codexUsage;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory ?? NullLoggerFactory.Instance;
}

/// <summary>Claude Code (<c>claude</c>).</summary>
internal sealed class ClaudeCodeRunner(AgentRunnerServices services) : AgentCliRunner(new ClaudeCli(), services);

/// <summary>OpenAI Codex (<c>codex exec</c>).</summary>
internal sealed class CodexRunner(AgentRunnerServices services) : AgentCliRunner(new CodexCli(), services);

/// <summary>Gemini CLI (<c>gemini</c>).</summary>
internal sealed class GeminiRunner(AgentRunnerServices services) : AgentCliRunner(new GeminiCli(), services);

/// <summary>Cursor Agent (<c>cursor-agent</c>).</summary>
internal sealed class CursorAgentRunner(AgentRunnerServices services) : AgentCliRunner(new CursorCli(), services);
