using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary>
/// The seed's way to fan out by hand must keep working: <c>for runner in ...; do conduit chat "..." --runner "$runner" &amp; done; wait</c>.
/// Real <c>conduit</c> processes, started by a real shell, each running the fake agent.
/// </summary>
public sealed class ShellLoopTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("conduit-cli-loop-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Conduit_chat_processes_started_in_a_shell_loop_run_side_by_side()
    {
        var bin = AppContext.BaseDirectory;
        var times = Path.Combine(_root, "times.log");
        var home = Directory.CreateDirectory(Path.Combine(_root, "conduit-home")).FullName;
        File.WriteAllText(Path.Combine(home, "config.yaml"), $"""
            conduit:
              runners:
                claude:
                  executable: {Path.Combine(bin, "fake-agent")}
                  env:
                    FAKE_AGENT_REPLAY: {Script("claude-text", "claude says 42")}
                    FAKE_AGENT_DELAY_MS: 1500
                    FAKE_AGENT_RECORD_TIMES: {times}
                gemini:
                  executable: {Path.Combine(bin, "fake-agent")}
                  env:
                    FAKE_AGENT_REPLAY: {Script("gemini-text", "gemini says 41")}
                    FAKE_AGENT_DELAY_MS: 1500
                    FAKE_AGENT_RECORD_TIMES: {times}
            """);
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("for runner in claude gemini; do conduit chat \"What is 6 x 7?\" --runner \"$runner\" > \"out.$runner\" 2> \"err.$runner\" & done; wait");
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["CONDUIT_HOME"] = home;
        start.Environment["HOME"] = _root;

        using (var shell = Process.Start(start)!)
        {
            Assert.True(shell.WaitForExit(TimeSpan.FromMinutes(2)), "the shell loop did not finish");
            Assert.Equal(0, shell.ExitCode);
        }

        Assert.Equal("claude says 42", File.ReadAllText(Path.Combine(_root, "out.claude")).Trim());
        Assert.Equal("gemini says 41", File.ReadAllText(Path.Combine(_root, "out.gemini")).Trim());
        var marks = File.ReadAllLines(times).Select(l => l.Split(' ')).ToArray();
        var starts = marks.Where(m => m[1] == "start").Select(m => long.Parse(m[2], CultureInfo.InvariantCulture)).ToArray();
        var ends = marks.Where(m => m[1] == "end").Select(m => long.Parse(m[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, starts.Length);
        Assert.True(starts.Max() < ends.Min(), "both agents were alive at once: " + string.Join(" | ", File.ReadAllLines(times)));
    }

    private string Script(string capture, string answer)
    {
        var path = Path.Combine(_root, capture + ".jsonl");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Captures", capture + ".jsonl")).Replace("hello from fake model", answer, StringComparison.Ordinal));
        return path;
    }
}
