using System.Globalization;

namespace Conduit.LoadTest;

/// <summary>The load test's options, from <c>--name value</c> arguments.</summary>
internal sealed class LoadTestOptions
{
    /// <summary>--conduit PATH: the <c>conduit</c> CLI to start as the daemon (an apphost or <c>conduit.dll</c>).</summary>
    public required string Conduit { get; init; }

    /// <summary>--runs N: concurrent runs (default 100).</summary>
    public int Runs { get; init; } = 100;

    /// <summary>--agent-ms N: how long the fake agent runs (default 1000).</summary>
    public int AgentMilliseconds { get; init; } = 1000;

    /// <summary>--lines N: timestamped lines each agent prints, spread over its run (default 5).</summary>
    public int Lines { get; init; } = 5;

    /// <summary>--rounds N: how many times the whole fan-out is repeated; the best round is reported too (default 3).</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>--warm-up N: whole fan-outs run through the daemon before the measured rounds, printed but not counted (default 3).</summary>
    public int WarmUpRounds { get; init; } = 3;

    /// <summary>
    /// --agent-sleep read|fork: how the agent waits between lines: bash's <c>read -t</c> on a FIFO (default: one process
    /// per agent), or <c>/usr/bin/sleep</c> (five more processes per agent; the harness before issue #9).
    /// </summary>
    public bool ForkSleep { get; init; }

    /// <summary>
    /// --direct-start setsid|plain: how the baseline starts its agents: through <c>/usr/bin/setsid</c>, each in a session
    /// of its own as the daemon starts them (default, so the autogroup scheduler treats both alike), or plainly.
    /// </summary>
    public bool DirectThroughSetsid { get; init; } = true;

    /// <summary>
    /// --state-root DIR: where the daemon's <c>CONDUIT_HOME</c> (its configuration and state directory, so the chat
    /// transcripts) is created; default the load test's temporary directory. <c>/dev/shm</c> takes the file system's
    /// cost of the transcripts out of the figures.
    /// </summary>
    public string? StateRoot { get; init; }

    /// <summary>--daemon-env NAME=VALUE (repeatable): set for the daemon only, e.g. <c>DOTNET_TieredPGO=0</c>.</summary>
    public IReadOnlyDictionary<string, string> DaemonEnvironment { get; init; } = new Dictionary<string, string>();

    public static LoadTestOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var daemonEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name value, got \"{args[i]}\".");
            }

            if (args[i] == "--daemon-env")
            {
                var (name, value) = args[i + 1].Split('=', 2) is [var n, var v] ? (n, v) : throw new ArgumentException($"--daemon-env takes NAME=VALUE, not \"{args[i + 1]}\".");
                daemonEnvironment[name] = value;
                continue;
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new LoadTestOptions
        {
            Conduit = values.GetValueOrDefault("conduit") ?? FindConduit(),
            Runs = Int(values, "runs", 100),
            AgentMilliseconds = Int(values, "agent-ms", 1000),
            Lines = Int(values, "lines", 5),
            Rounds = Int(values, "rounds", 3),
            WarmUpRounds = Int(values, "warm-up", 3),
            DaemonEnvironment = daemonEnvironment,
            StateRoot = values.GetValueOrDefault("state-root"),
            ForkSleep = Choice(values, "agent-sleep", "read", "fork"),
            DirectThroughSetsid = !Choice(values, "direct-start", "setsid", "plain"),
        };
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    // false for the first (default) choice, true for the second.
    private static bool Choice(Dictionary<string, string> values, string name, string first, string second) =>
        values.GetValueOrDefault(name, first) switch
        {
            var value when value == first => false,
            var value when value == second => true,
            var value => throw new ArgumentException($"--{name} is {first} or {second}, not \"{value}\"."),
        };

    // The Release build of src/Conduit.Cli in this checkout.
    private static string FindConduit()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Conduit.Cli", "bin", "Release", "net10.0", "conduit.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ArgumentException("No --conduit given and no src/Conduit.Cli/bin/Release/net10.0/conduit.dll found: build the CLI in Release first.");
    }
}
