namespace Conduit.Cli.Hosting;

/// <summary>
/// Everything a command touches outside itself: output writers, standard input, the working directory and
/// environment variables. Tests create one with string writers and run the CLI in-process.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Whether standard input is a terminal (interactive prompts are allowed only then).</summary>
    public bool IsInputTerminal { get; init; }

    /// <summary>The working directory commands resolve relative paths and project config against.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Environment variable lookup (e.g. <c>CONDUIT_HOME</c>).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The time source.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The arguments after a standalone <c>--</c> on the command line, passed verbatim to the agent CLI;
    /// <see langword="null"/> when the command line had no <c>--</c>.
    /// </summary>
    public IReadOnlyList<string>? PassthroughArguments { get; init; }

    /// <summary>
    /// The agent runners that in-process runs use (<c>conduit runs start --wait</c>); the host sets the runners' factory.
    /// When <see langword="null"/>, runs that reach their agent step fail with a clear error.
    /// </summary>
    public IAgentRunnerFactory? AgentRunnerFactory { get; init; }

    /// <summary>Returns a copy with <see cref="PassthroughArguments"/> set.</summary>
    public CliEnvironment WithPassthroughArguments(IReadOnlyList<string>? arguments) => new()
    {
        Out = Out,
        Error = Error,
        In = In,
        IsInputTerminal = IsInputTerminal,
        WorkingDirectory = WorkingDirectory,
        GetEnvironmentVariable = GetEnvironmentVariable,
        TimeProvider = TimeProvider,
        PassthroughArguments = arguments,
        AgentRunnerFactory = AgentRunnerFactory,
    };

    /// <summary>The real console of this process.</summary>
    public static CliEnvironment FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        IsInputTerminal = !Console.IsInputRedirected,
        WorkingDirectory = Directory.GetCurrentDirectory(),
    };
}
