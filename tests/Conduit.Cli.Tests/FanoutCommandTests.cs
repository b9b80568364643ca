using System.Text.Json;
using Conduit.Cli.Commands;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary>
/// <c>conduit fanout</c> in-process, over the real runners with the fake agent replaying a claude and a gemini capture
/// whose answers differ.
/// </summary>
public sealed class FanoutCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("conduit-cli-fanout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Fanout_prints_one_progress_line_per_update_and_a_comparison_table_with_the_winner()
    {
        var (exitCode, output, error) = await Run(["fanout", "What is 6 x 7?", "--runner", "claude", "--runner", "gemini/gemini-2.5-flash", "--repeat", "2", "--consensus", "score:2,1,0", "--verify", "grep -q 42 \"$CONDUIT_FINAL_TEXT_FILE\""]);

        Assert.Equal(0, exitCode);
        Assert.Contains("[fanout] t1 claude #1 started", error, StringComparison.Ordinal);
        Assert.Contains("[fanout] t2 gemini/gemini-2.5-flash #1 first event", error, StringComparison.Ordinal);
        Assert.Contains("[fanout] t4 gemini/gemini-2.5-flash #2 succeeded passed=no", error, StringComparison.Ordinal);
        var lines = output.Split('\n');
        Assert.StartsWith("trial  runner", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("t1     claude", StringComparison.Ordinal) && l.Contains("yes", StringComparison.Ordinal) && l.EndsWith("It is 42.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("claude ", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("gemini/gemini-2.5-flash ", StringComparison.Ordinal) && l.Contains(" 0%", StringComparison.Ordinal));
        Assert.Matches(@"Winner \(score\): t[13] \(claude\)\. t[13] \(claude\) has the best score 0\.667", output);
    }

    [Fact]
    public async Task Fanout_json_is_the_whole_comparison()
    {
        var (exitCode, output, _) = await Run(["fanout", "What is 6 x 7?", "-r", "claude", "-r", "gemini", "--consensus", "majority:checks", "--verify", "grep -q 42 \"$CONDUIT_FINAL_TEXT_FILE\"", "--json"]);

        Assert.Equal(ExitCodes.AgentFailed, exitCode);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("trials").GetArrayLength());
        Assert.Equal("claude", root.GetProperty("runners")[0].GetProperty("runner").GetString());
        Assert.Equal(1.0, root.GetProperty("runners")[0].GetProperty("pass_rate").GetDouble());
        var consensus = root.GetProperty("tasks")[0].GetProperty("consensus");
        Assert.Equal("majority", consensus.GetProperty("strategy").GetString());
        Assert.False(consensus.TryGetProperty("winner_trial_id", out _), "1 of 2 passing is no majority");
        Assert.Equal("It is 42.", root.GetProperty("trials")[0].GetProperty("final_text").GetString());
    }

    [Fact]
    public async Task Fanout_markdown_prints_github_tables()
    {
        var (exitCode, output, _) = await Run(["fanout", "What is 6 x 7?", "-r", "claude", "-r", "gemini", "--markdown", "--consensus", "first-pass"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("## Trials", output, StringComparison.Ordinal);
        Assert.Contains("| trial | runner | # | outcome | pass |", output, StringComparison.Ordinal);
        Assert.Contains("| --- |", output, StringComparison.Ordinal);
        Assert.Contains("**Winner (first-pass): ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "fanout", "-r", "claude" }, "Give a prompt, or --policy with --project.")]
    [InlineData(new[] { "fanout", "hi", "-r", "claude", "--consensus", "vote" }, "Unknown consensus \"vote\"")]
    [InlineData(new[] { "fanout", "hi", "-r", "claude", "-r", "claude" }, "Runner \"claude\" appears 2 times")]
    [InlineData(new[] { "fanout", "hi", "-r", "nobody" }, "nobody")]
    [InlineData(new[] { "fanout", "hi", "-r", "claude", "--input", "a=1" }, "--input is for policy runs")]
    [InlineData(new[] { "fanout", "hi", "-r", "claude", "--json", "--markdown" }, "cannot be combined")]
    public async Task Fanout_refuses_a_bad_command_line_with_exit_code_2(string[] args, string message)
    {
        var (exitCode, _, error) = await Run(args);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_are_json_when_they_parse_and_strings_otherwise()
    {
        var input = FanoutCommand.ParseInputs(["issue=42", "title=Fix the build", "labels=[\"bug\"]", "draft=true"]);

        Assert.Equal("{\"issue\":42,\"title\":\"Fix the build\",\"labels\":[\"bug\"],\"draft\":true}", input.ToJsonString());
    }

    private async Task<(int ExitCode, string Out, string Error)> Run(string[] args)
    {
        // The runners come from the global configuration, as a user would set them up.
        var fakeAgent = Path.Combine(AppContext.BaseDirectory, "fake-agent");
        var home = Directory.CreateDirectory(Path.Combine(_root, "conduit-home")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        File.WriteAllText(Path.Combine(home, "config.yaml"), $"""
            conduit:
              runners:
                claude:
                  executable: {fakeAgent}
                  env:
                    FAKE_AGENT_REPLAY: {Script("claude-text", "It is 42.")}
                gemini:
                  executable: {fakeAgent}
                  env:
                    FAKE_AGENT_REPLAY: {Script("gemini-text", "Probably 41.")}
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => _root,
                "CONDUIT_HOME" => home,
                _ => null,
            },
        };
        var exitCode = await ConduitCli.InvokeAsync(args, environment);
        return (exitCode, output.ToString(), error.ToString());
    }

    private string Script(string capture, string answer)
    {
        var path = Path.Combine(_root, capture + ".jsonl");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Captures", capture + ".jsonl")).Replace("hello from fake model", answer, StringComparison.Ordinal));
        return path;
    }
}
