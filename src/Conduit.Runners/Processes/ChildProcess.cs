// Why System.Diagnostics.Process and not CliWrap (the house model for process execution): CliWrap 3.10 ends a command
// only when stdout and stderr are closed, so a grandchild that inherits the pipe and lives on hangs the run
// (Tyrrrz/CliWrap#241, still open; the proposed WithExitCondition was never merged, and the maintainer confirms in #79
// that the pipes are only cut on cancellation). Its cancellation also stops at SIGINT (graceful) then
// Process.Kill(entireProcessTree) (forceful): no SIGTERM step, and escapees that left the parent-pid tree (setsid,
// double fork) are never reached. Those are exactly the hangs and leaks this launcher exists to prevent, so it drives
// Process directly and keeps CliWrap's shape: one call, an IAsyncEnumerable over a closed set of outputs.
using System.Runtime.CompilerServices;

namespace Conduit.Runners.Processes;

/// <summary>
/// Runs one child process under Conduit's process hygiene: its own session and process group, stdin written then
/// closed (never a terminal), output streamed line by line, and on timeout, idle timeout or cancellation the whole
/// process tree stopped by SIGINT, then SIGTERM, then SIGKILL. See docs/processes.md.
/// </summary>
public static class ChildProcess
{
    /// <summary>
    /// Starts the child and streams what it does: one <see cref="ChildProcessStarted"/>, its stdout and stderr lines as
    /// they arrive, then exactly one <see cref="ChildProcessExited"/>, after which none of its tree is left alive.
    /// </summary>
    /// <param name="options">What to start and the limits to apply.</param>
    /// <param name="cancellationToken">
    /// Stops the child and its tree; the stream then ends with <see cref="ChildProcessTermination.Cancelled"/> rather
    /// than throwing. When it is already cancelled, nothing is started and only that ending is yielded.
    /// </param>
    /// <returns>The child's outputs. Leaving the enumeration early stops the tree as cancellation does.</returns>
    /// <exception cref="ChildProcessLaunchException">
    /// The executable is not on <c>PATH</c>, does not exist or is not executable, the working directory does not
    /// exist, or the start failed; thrown before anything is yielded.
    /// </exception>
    public static async IAsyncEnumerable<ChildProcessOutput> RunAsync(
        ChildProcessOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var run = ChildProcessRun.Start(options, cancellationToken);
        if (run is null)
        {
            yield return new ChildProcessExited { Termination = ChildProcessTermination.Cancelled, Duration = TimeSpan.Zero };
            yield break;
        }

        await using (run.ConfigureAwait(false))
        {
            await foreach (var output in run.ReadOutputsAsync().ConfigureAwait(false))
            {
                yield return output;
            }
        }
    }
}
