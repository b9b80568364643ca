using Conduit.Cli.Hosting;

namespace Conduit.Cli.Tests.Chat;

/// <summary>
/// A temporary home and CONDUIT_HOME whose config points every provider at the fake agent, replaying a capture.
/// Runs the CLI in-process.
/// </summary>
internal sealed class ChatSandbox : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "conduit-cli-chat-" + Guid.NewGuid().ToString("N"));

    public ChatSandbox()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(ConduitHome);
        Directory.CreateDirectory(Work);
    }

    /// <summary>A value every fake agent started from this sandbox carries in its environment, to find it in /proc.</summary>
    public string Tag { get; } = Guid.NewGuid().ToString("N");

    public string Home => Path.Combine(_root, "home");

    public string ConduitHome => Path.Combine(_root, "conduit-home");

    public string Work => Path.Combine(_root, "work");

    public string ArgvFile => Path.Combine(_root, "argv.json");

    public static string FakeAgentPath => Path.Combine(AppContext.BaseDirectory, "fake-agent");

    public static string Capture(string name) => Path.Combine(AppContext.BaseDirectory, "Captures", name);

    /// <summary>Writes a global config whose <paramref name="provider"/> runner is the fake agent with these FAKE_AGENT_* settings.</summary>
    public void UseFakeAgent(string provider, string capture, IReadOnlyDictionary<string, string>? settings = null, string? args = null)
    {
        var env = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["FAKE_AGENT_REPLAY"] = Capture(capture),
            ["FAKE_AGENT_RECORD_ARGV"] = ArgvFile,
            ["CONDUIT_TEST_TAG"] = Tag,
        };
        var envYaml = string.Join(", ", env.Select(kv => $"{kv.Key}: \"{kv.Value}\""));
        var argsYaml = args is null ? "" : $", args: {args}";
        File.WriteAllText(Path.Combine(ConduitHome, "config.yaml"), $"""
            conduit:
              runners:
                {provider}: {"{"} executable: "{FakeAgentPath}", env: {"{"} {envYaml} {"}"}{argsYaml} {"}"}
            """);
    }

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, string stdin = "", CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            In = new StringReader(stdin),
            WorkingDirectory = Work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => Home,
                "CONDUIT_HOME" => ConduitHome,
                _ => null,
            },
        };
        var exitCode = await ConduitCli.InvokeAsync(args, environment, cancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Processes still alive that carry this sandbox's tag, read from /proc (not from Conduit's bookkeeping).</summary>
    public IReadOnlyList<int> SurvivingProcesses()
    {
        var survivors = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllText(Path.Combine(directory, "environ"));
                var state = File.ReadAllText(Path.Combine(directory, "stat"));
                var zombie = state[(state.LastIndexOf(')') + 2)..].StartsWith('Z');
                if (!zombie && environ.Contains("CONDUIT_TEST_TAG=" + Tag, StringComparison.Ordinal))
                {
                    survivors.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return survivors;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
