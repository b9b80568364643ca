namespace Conduit.Cli.Hosting;

/// <summary>The exit codes of the <c>conduit</c> command. Documented in docs/cli.md.</summary>
public static class ExitCodes
{
    /// <summary>The agent (or the command) succeeded.</summary>
    public const int Success = 0;

    /// <summary>The agent ran and failed (non-zero exit, API error, max turns, permission denied, auth required).</summary>
    public const int AgentFailed = 1;

    /// <summary>The command line or an input file is invalid.</summary>
    public const int UsageError = 2;

    /// <summary>The provider's CLI is not installed or could not be started.</summary>
    public const int ProviderNotInstalled = 3;

    /// <summary>Configuration is invalid.</summary>
    public const int ConfigurationError = 4;

    /// <summary>
    /// <c>conduit request run</c>/<c>watch</c>: the request needs a local review and standard input is not a terminal,
    /// so nothing ran.
    /// </summary>
    public const int NeedsReview = 5;

    /// <summary><c>conduit request run</c>: the reviewer denied the request (or its approval was refused), so nothing ran.</summary>
    public const int ReviewDenied = 6;

    /// <summary>The run timed out (total or idle timeout).</summary>
    public const int TimedOut = 124;

    /// <summary>The run was cancelled (Ctrl+C or SIGTERM).</summary>
    public const int Cancelled = 130;
}
