// TEMPORARY: stands in for the process launcher (being written in parallel) so that the runners compile.
// Deleted when the real ChildProcess / ChildProcessLaunchException land on main.
namespace Conduit.Runners.Processes;

/// <summary>Placeholder for the process launcher.</summary>
public static class ChildProcess
{
    /// <summary>Placeholder.</summary>
    public static IAsyncEnumerable<ChildProcessOutput> RunAsync(ChildProcessOptions options, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the process launcher has not landed yet");
}

/// <summary>Placeholder.</summary>
public sealed class ChildProcessLaunchException : ConduitException
{
    /// <summary>Placeholder.</summary>
    public ChildProcessLaunchException(string executable, string message, Exception? innerException = null)
        : base(message, innerException) => Executable = executable;

    /// <summary>Placeholder.</summary>
    public string Executable { get; }
}
