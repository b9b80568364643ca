using System.Collections;
using System.Collections.Concurrent;
using Conduit.Runners.Processes;

namespace Conduit.Runners;

/// <summary>
/// Finds a CLI's version by running <c>&lt;executable&gt; --version</c> once per executable and caching the answer
/// (the first non-empty stdout line; <see langword="null"/> when it prints none or takes longer than 5 seconds).
/// </summary>
internal sealed class CliVersionProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _versions = new(StringComparer.Ordinal);

    /// <exception cref="ChildProcessLaunchException">The executable cannot be started.</exception>
    public async Task<string?> GetVersionAsync(string executable, IDictionary environment, string provider, CancellationToken cancellationToken)
    {
        var lazy = _versions.GetOrAdd(executable, key => new Lazy<Task<string?>>(() => ProbeAsync(key, environment, provider)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChildProcessLaunchException)
        {
            // Not cached: the CLI may be installed later.
            _versions.TryRemove(executable, out _);
            throw;
        }
    }

    private static async Task<string?> ProbeAsync(string executable, IDictionary inherited, string provider)
    {
        var options = new ChildProcessOptions
        {
            Executable = executable,
            Arguments = ["--version"],
            Environment = ChildEnvironment.Build(provider, inherited, new AgentRunnerOptions(), null),
            Timeout = ProbeTimeout,
            IdleTimeout = ProbeTimeout,
            KillGracePeriod = TimeSpan.FromMilliseconds(200),
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        };
        string? version = null;
        await foreach (var output in ChildProcess.RunAsync(options).ConfigureAwait(false))
        {
            if (output is StandardOutputLine line && version is null && !string.IsNullOrWhiteSpace(line.Text))
            {
                version = line.Text.Trim();
            }
            else if (output is ChildProcessExited { Termination: not ChildProcessTermination.Exited })
            {
                return null;
            }
        }

        return version;
    }
}
