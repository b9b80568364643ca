using System.Globalization;

namespace FakeAgentCli;

/// <summary>Which long-lived grandchildren to leave behind.</summary>
internal enum GrandchildMode
{
    /// <summary>A double-forked <c>setsid</c> escapee with its own stdio.</summary>
    Escaped,

    /// <summary>A plain child that inherits stdout/stderr and so keeps the pipes open.</summary>
    Stdout,

    /// <summary>Both of them.</summary>
    Both,
}

/// <summary>
/// The fake agent's options. Each comes from an argument (<c>--name value</c> or <c>--name=value</c>) or from the
/// environment variable <c>FAKE_AGENT_NAME</c> (the argument wins). Unknown arguments are ignored.
/// </summary>
internal sealed class FakeAgentOptions
{
    /// <summary>--replay FILE: print the file's lines to stdout (bytes as they are).</summary>
    public string? ReplayFile { get; private set; }

    /// <summary>--stderr-file FILE: print the file's lines to stderr, before the replay.</summary>
    public string? StderrFile { get; private set; }

    /// <summary>--delay-ms N: wait between replayed lines.</summary>
    public int DelayMs { get; private set; }

    /// <summary>--exit-code N: the exit code (default 0).</summary>
    public int ExitCode { get; private set; }

    /// <summary>--spawn-grandchild [escaped|stdout|both]: leave long-lived grandchildren (flag alone: both).</summary>
    public GrandchildMode? SpawnGrandchild { get; private set; }

    /// <summary>--hang: sleep forever after the replay.</summary>
    public bool Hang { get; private set; }

    /// <summary>--ignore-sigterm: SIGTERM does nothing.</summary>
    public bool IgnoreSigterm { get; private set; }

    /// <summary>--ignore-sigint: SIGINT does nothing.</summary>
    public bool IgnoreSigint { get; private set; }

    /// <summary>--record-argv FILE: write argv, cwd, stdin and environment as JSON.</summary>
    public string? RecordArgvFile { get; private set; }

    /// <summary>--echo-stdin: copy stdin to stdout before the replay.</summary>
    public bool EchoStdin { get; private set; }

    /// <summary>--write-file PATH=CONTENT: write CONTENT (with \n escapes) to PATH, relative to the working directory, before the replay.</summary>
    public string? WriteFile { get; private set; }

    /// <summary>--record-times FILE: append "&lt;pid&gt; start &lt;unix ms&gt;" at start and "&lt;pid&gt; end &lt;unix ms&gt;" before exit.</summary>
    public string? RecordTimesFile { get; private set; }

    public static FakeAgentOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in ValueOptions.Concat(FlagOptions))
        {
            var variable = "FAKE_AGENT_" + name.Replace('-', '_').ToUpperInvariant();
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                values[name] = value;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            var name = args[i][2..];
            string? inlineValue = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            if (ValueOptions.Contains(name))
            {
                values[name] = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
            }
            else if (FlagOptions.Contains(name))
            {
                values[name] = inlineValue ?? "true";
            }
        }

        return new FakeAgentOptions
        {
            ReplayFile = values.GetValueOrDefault("replay"),
            StderrFile = values.GetValueOrDefault("stderr-file"),
            DelayMs = ParseInt(values.GetValueOrDefault("delay-ms")),
            ExitCode = ParseInt(values.GetValueOrDefault("exit-code")),
            SpawnGrandchild = values.GetValueOrDefault("spawn-grandchild") switch
            {
                null or "0" or "false" => null,
                "escaped" => GrandchildMode.Escaped,
                "stdout" => GrandchildMode.Stdout,
                _ => GrandchildMode.Both,
            },
            Hang = IsTrue(values.GetValueOrDefault("hang")),
            IgnoreSigterm = IsTrue(values.GetValueOrDefault("ignore-sigterm")),
            IgnoreSigint = IsTrue(values.GetValueOrDefault("ignore-sigint")),
            RecordArgvFile = values.GetValueOrDefault("record-argv"),
            EchoStdin = IsTrue(values.GetValueOrDefault("echo-stdin")),
            WriteFile = values.GetValueOrDefault("write-file"),
            RecordTimesFile = values.GetValueOrDefault("record-times"),
        };
    }

    private static readonly HashSet<string> ValueOptions = ["replay", "stderr-file", "delay-ms", "exit-code", "record-argv", "write-file", "record-times"];

    // spawn-grandchild is a flag that also accepts =MODE.
    private static readonly HashSet<string> FlagOptions = ["spawn-grandchild", "hang", "ignore-sigterm", "ignore-sigint", "echo-stdin"];

    private static int ParseInt(string? value) => value is null ? 0 : int.Parse(value, CultureInfo.InvariantCulture);

    private static bool IsTrue(string? value) => value is not (null or "0" or "false");
}
