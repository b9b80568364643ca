namespace Conduit.Runners.Processes;

/// <summary>A child process could not be started: its executable is missing or not executable, or the start failed.</summary>
public sealed class ChildProcessLaunchException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="executable">The executable as it was asked for (a name or a path).</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying start failure, if any.</param>
    public ChildProcessLaunchException(string executable, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Executable = executable;
    }

    /// <summary>The executable as it was asked for (a name or a path).</summary>
    public string Executable { get; }
}
