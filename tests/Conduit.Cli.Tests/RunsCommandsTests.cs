using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Conduit.Cli;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

public sealed class RunsCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "conduit-cli-runs-tests", Guid.NewGuid().ToString("N"));

    public RunsCommandsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
    }

    private string ProjectPath => Path.Combine(_root, "project");

    private string StateDirectory => Path.Combine(_root, "state");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(IAgentRunnerFactory? runners, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = ProjectPath,
            AgentRunnerFactory = runners,
            GetEnvironmentVariable = name => name == "HOME" ? _root : null,
        };
        // Port 1 on loopback refuses at once: no daemon, so runs cancel works in-process here.
        var exit = await ConduitCli.InvokeAsync([.. args, "--state-dir", StateDirectory, "--base-url", "http://127.0.0.1:1"], environment);
        return (exit, output.ToString(), error.ToString());
    }

    private void WritePolicy(string policyId, string yaml, params (string Name, string Body)[] scripts)
    {
        var directory = Path.Combine(ProjectPath, ".conduit", "policies", policyId);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), yaml);
        foreach (var (name, body) in scripts)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    [Fact]
    public async Task Policies_init_writes_an_example_that_validates_and_shows()
    {
        var init = await RunAsync(null, "policies", "init", "fix_bug.v1");
        var validate = await RunAsync(null, "policies", "validate");
        var show = await RunAsync(null, "policies", "show", "fix_bug.v1");
        var list = await RunAsync(null, "policies", "list");

        Assert.Equal(0, init.Exit);
        Assert.Contains("policy.yaml", init.Out);
        Assert.Equal((0, "ok\tfix_bug.v1\n"), (validate.Exit, validate.Out));
        Assert.Contains("policy_id: fix_bug.v1\n", show.Out);
        Assert.StartsWith("fix_bug.v1\tfix_bug\t", list.Out);
    }

    [Fact]
    public async Task Policies_validate_names_the_file_line_and_field_and_exits_4()
    {
        WritePolicy("bad", "policy_id: bad\ntask_id: t\nmax_attempts: lots\n");

        var result = await RunAsync(null, "policies", "validate", "bad");

        Assert.Equal(ExitCodes.ConfigurationError, result.Exit);
        Assert.Contains("policy.yaml:3:", result.Error);
        Assert.Contains("max_attempts", result.Error);
    }

    [Fact]
    public async Task Runs_start_wait_prints_key_value_lines_and_exits_0_only_on_success()
    {
        WritePolicy("ok", "policy_id: ok\ntask_id: t\nchecks: [{name: c, command: \"true\"}]\n");
        WritePolicy("bad", "policy_id: bad\ntask_id: t\nchecks: [{name: c, command: \"false\"}]\n");
        var runners = new FakeRunners();

        var ok = await RunAsync(runners, "runs", "start", "--project", ".", "--policy", "ok", "--input", "issue=rounding", "--wait");
        var okPrompt = runners.LastPrompt;
        var bad = await RunAsync(runners, "runs", "start", "--project", ".", "--policy", "bad", "--wait");

        Assert.Equal(0, ok.Exit);
        Assert.Contains("status: succeeded\n", ok.Out);
        Assert.Matches(new Regex("^run_id: run_[0-9a-f-]{36}$", RegexOptions.Multiline), ok.Out);
        Assert.Contains("\"issue\": \"rounding\"", okPrompt);
        Assert.Equal(1, bad.Exit);
        Assert.Contains("status: failed\n", bad.Out);
        Assert.Contains("  check c: failed [on_fail=retry, exit_code=1]", bad.Out);
        var runId = Regex.Match(ok.Out, "run_id: (\\S+)").Groups[1].Value;
        var show = await RunAsync(null, "runs", "show", runId, "--json");
        Assert.Contains("\"status\": \"succeeded\"", show.Out);
        var list = await RunAsync(null, "runs", "list");
        Assert.Equal(2, list.Out.Trim().Split('\n').Length);
        var logs = await RunAsync(null, "runs", "logs", runId);
        Assert.Contains("check 1/c: passed", logs.Out);
        var cancel = await RunAsync(null, "runs", "cancel", runId);
        Assert.Equal($"run_id: {runId}\ncanceled: false\n", cancel.Out);
    }

    [Fact]
    public async Task Runs_show_of_an_unknown_run_fails_with_its_message()
    {
        var result = await RunAsync(null, "runs", "show", "run_nope");

        Assert.Equal(1, result.Exit);
        Assert.Equal("Error: Run \"run_nope\" not found\n", result.Error);
    }

    [Fact]
    public async Task Killing_the_orchestrator_process_mid_run_leaves_an_interrupted_run_and_no_orphan_after_restart()
    {
        var pidFile = Path.Combine(_root, "hook.pid");
        WritePolicy("slow", "policy_id: slow\ntask_id: t\n", ("init.sh", $"sleep 300 & echo $! > '{pidFile}'; wait"));
        var conduit = typeof(ConduitCli).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = ProjectPath, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { conduit, "runs", "start", "--project", ".", "--policy", "slow", "--wait", "--state-dir", StateDirectory })
        {
            info.ArgumentList.Add(argument);
        }

        using var host = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(File.Exists(pidFile), "the init hook never started: " + (host.HasExited ? await host.StandardError.ReadToEndAsync() : "host still running"));
        var orphan = int.Parse(File.ReadAllText(pidFile).Trim());
        host.Kill(entireProcessTree: false); // SIGKILL the orchestrator only
        await host.WaitForExitAsync();
        Assert.True(Alive(orphan), "the hook's process should outlive the killed orchestrator");

        var list = await RunAsync(null, "runs", "list");
        var runId = list.Out.Split('\t')[0];
        var show = await RunAsync(null, "runs", "show", runId, "--attempts");

        Assert.Contains("status: interrupted\n", show.Out);
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (Alive(orphan) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.False(Alive(orphan), $"orphan {orphan} survived the restart");
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private sealed class FakeRunners : IAgentRunnerFactory, IAgentRunner
    {
        public string LastPrompt { get; private set; } = "";

        public IReadOnlyList<string> Providers => ["claude"];

        public IAgentRunner GetRunner(RunnerSpec spec) => this;

        public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            LastPrompt = request.Prompt;
            await Task.Yield();
            yield return new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = "done" };
        }
    }
}
