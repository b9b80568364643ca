using Conduit.Runners.Processes;

namespace Conduit.Policies;

/// <summary>Starts a child process and streams what it does; ends with one <see cref="ChildProcessExited"/>.</summary>
internal delegate IAsyncEnumerable<ChildProcessOutput> ProcessLauncher(ChildProcessOptions options, CancellationToken cancellationToken);
