using System.Text.Json;
using Conduit.Runners.Processes;
using Conduit.Runners.Tests.Infrastructure;
using Xunit;

namespace Conduit.Runners.Tests.Processes;

// The fake agent stands in for the real CLIs in runner and CLI tests, so what they rely on is pinned here.
public sealed class FakeAgentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conduit-fake-agent-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Installed_as_claude_it_takes_its_configuration_from_the_environment_and_ignores_the_real_flags()
    {
        var replay = Path.Combine(_directory, "capture.jsonl");
        await File.WriteAllTextAsync(replay, "{\"type\":\"system\"}\n{\"type\":\"result\"}\n");
        var record = Path.Combine(_directory, "argv.json");
        var bin = Path.Combine(_directory, "bin");
        FakeAgent.InstallAs(bin, "claude");
        var environment = InheritedEnvironment();
        environment["PATH"] = bin + Path.PathSeparator + environment["PATH"];
        environment["FAKE_AGENT_REPLAY"] = replay;
        environment["FAKE_AGENT_EXIT_CODE"] = "2";
        environment["FAKE_AGENT_RECORD_ARGV"] = record;
        string[] flags = ["-p", "hi", "--output-format", "stream-json", "--verbose", "--model", "sonnet"];

        var outputs = await CollectAsync(new ChildProcessOptions
        {
            Executable = "claude",
            Arguments = flags,
            Environment = environment,
            WorkingDirectory = _directory,
            StandardInput = "prompt from stdin",
            Timeout = TimeSpan.FromSeconds(30),
        });

        Assert.Equal(["{\"type\":\"system\"}", "{\"type\":\"result\"}"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
        Assert.Equal(2, Assert.IsType<ChildProcessExited>(outputs[^1]).ExitCode);
        using var recorded = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        Assert.Equal(flags, recorded.RootElement.GetProperty("argv").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal(_directory, recorded.RootElement.GetProperty("cwd").GetString());
        Assert.Equal("prompt from stdin", recorded.RootElement.GetProperty("stdin").GetString());
        Assert.Equal(replay, recorded.RootElement.GetProperty("environment").GetProperty("FAKE_AGENT_REPLAY").GetString());
    }

    [Fact]
    public async Task It_echoes_stdin_when_asked()
    {
        var outputs = await CollectAsync(new ChildProcessOptions
        {
            Executable = FakeAgent.ExecutablePath,
            Arguments = ["--echo-stdin"],
            StandardInput = "one\ntwo\n",
            Timeout = TimeSpan.FromSeconds(30),
        });

        Assert.Equal(["one", "two"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
    }

    private static Dictionary<string, string> InheritedEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string)entry.Value!, StringComparer.Ordinal);

    private static async Task<List<ChildProcessOutput>> CollectAsync(ChildProcessOptions options)
    {
        var outputs = new List<ChildProcessOutput>();
        await foreach (var output in ChildProcess.RunAsync(options))
        {
            outputs.Add(output);
        }

        return outputs;
    }
}
