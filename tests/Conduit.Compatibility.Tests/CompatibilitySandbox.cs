using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Conduit.Cli;
using Conduit.Cli.Hosting;

namespace Conduit.Compatibility.Tests;

/// <summary>
/// A temporary HOME, CONDUIT_HOME, state dir and one registered project <c>p</c>, with a global config whose runners are
/// the fake agent. Runs our CLI in-process or as a real child process, and starts our daemon (<c>conduit serve</c>).
/// </summary>
internal sealed class CompatibilitySandbox : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("conduit-compat-").FullName;

    public CompatibilitySandbox()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(ConduitHome);
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(Scratch);
        WriteConfig();
    }

    public string Home => Path.Combine(_root, "home");

    public string ConduitHome => Path.Combine(_root, "conduit-home");

    public string StateDirectory => Path.Combine(_root, "state");

    /// <summary>The directory of project <c>p</c>, also the CLI's working directory.</summary>
    public string Project => Path.Combine(_root, "project");

    /// <summary>A directory outside the project for files that hooks, checks and tests write.</summary>
    public string Scratch => Path.Combine(_root, "scratch");

    /// <summary>Where the fake agent records its last invocation (argv, cwd, stdin, environment).</summary>
    public string ArgvFile => Path.Combine(_root, "argv.json");

    public static string FakeAgentPath => Path.Combine(AppContext.BaseDirectory, "fake-agent");

    public static string ConduitPath => Path.Combine(AppContext.BaseDirectory, "conduit");

    public static string Capture(string name) => Path.Combine(AppContext.BaseDirectory, "Captures", name);

    /// <summary>
    /// Writes the global config: every provider is the fake agent replaying its capture (codex and claude captures; cursor
    /// and gemini reuse claude's), with <paramref name="agentSettings"/> as FAKE_AGENT_* settings per provider (key
    /// <c>*</c> for all), <paramref name="codexArgs"/> as <c>runners.codex.args</c>, and <paramref name="conduitYaml"/>
    /// appended under <c>conduit:</c> (two-space indented); <paramref name="missingProvider"/>'s executable does not exist.
    /// </summary>
    public void WriteConfig(string conduitYaml = "", IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? agentSettings = null, string defaultRunner = "codex", string? claudeArgs = null, string? missingProvider = null)
    {
        var config = new StringBuilder();
        config.AppendLine("conduit:");
        config.AppendLine($"  defaultRunner: {defaultRunner}");
        config.AppendLine($"  stateDir: \"{StateDirectory}\"");
        config.AppendLine("  projects:");
        config.AppendLine($"    p: {{ path: \"{Project}\" }}");
        config.AppendLine("  runners:");
        foreach (var provider in new[] { "claude", "codex", "cursor", "gemini" })
        {
            var env = new Dictionary<string, string>
            {
                ["FAKE_AGENT_REPLAY"] = Capture(provider == "codex" ? "codex-text.jsonl" : "claude-text.jsonl"),
                ["FAKE_AGENT_RECORD_ARGV"] = ArgvFile,
            };
            foreach (var key in new[] { "*", provider })
            {
                if (agentSettings is not null && agentSettings.TryGetValue(key, out var settings))
                {
                    foreach (var (name, value) in settings)
                    {
                        env[name] = value;
                    }
                }
            }

            var envYaml = string.Join(", ", env.Select(kv => $"{kv.Key}: \"{kv.Value}\""));
            var args = provider == "claude" && claudeArgs is not null ? $", args: {claudeArgs}" : "";
            var executable = provider == missingProvider ? Path.Combine(_root, "not-installed", provider) : FakeAgentPath;
            config.AppendLine($"    {provider}: {{ executable: \"{executable}\", env: {{ {envYaml} }}{args} }}");
        }

        config.Append(conduitYaml);
        File.WriteAllText(Path.Combine(ConduitHome, "config.yaml"), config.ToString());
    }

    /// <summary>Writes <c>.conduit/policies/&lt;id&gt;/policy.yaml</c> in project <c>p</c>; returns the policy folder.</summary>
    public string WritePolicy(string policyId, string yaml)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Project, ".conduit", "policies", policyId)).FullName;
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), yaml);
        return directory;
    }

    /// <summary>Writes an executable bash script into a policy folder.</summary>
    public static void WriteScript(string policyDirectory, string name, string body)
    {
        var path = Path.Combine(policyDirectory, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\nset -e\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The fake agent's last recorded invocation: argv, cwd, stdin and environment.</summary>
    public JsonDocument RecordedInvocation() => JsonDocument.Parse(File.ReadAllText(ArgvFile));

    /// <summary>The fake agent's last recorded argv.</summary>
    public IReadOnlyList<string> RecordedArgv()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ArgvFile));
        return [.. document.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!)];
    }

    /// <summary>Runs our CLI in-process (<see cref="ConduitCli.InvokeAsync"/>) in the project directory.</summary>
    public async Task<CliResult> RunCliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ConduitCli.InvokeAsync(args, Environment(output, error));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built <c>conduit</c> executable as a real child process in the project directory.</summary>
    public async Task<CliResult> RunConduitProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo(ConduitPath)
        {
            WorkingDirectory = Project,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Home;
        start.Environment["CONDUIT_HOME"] = ConduitHome;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts <c>conduit serve --port 0</c> in-process with the current config; dispose to stop it.</summary>
    public Task<RunningDaemon> StartDaemonAsync() => RunningDaemon.StartAsync(this);

    public CliEnvironment Environment(TextWriter output, TextWriter error) => new()
    {
        Out = output,
        Error = error,
        In = new StringReader(""),
        WorkingDirectory = Project,
        GetEnvironmentVariable = name => name switch
        {
            "HOME" => Home,
            "CONDUIT_HOME" => ConduitHome,
            _ => null,
        },
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A hook or agent of a cancelled run may still be writing; the temp folder is left behind then.
        }
    }
}

/// <summary>What a CLI invocation printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);
