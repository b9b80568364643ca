using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Conduit.Cli.Daemon;
using Conduit.Cli.Hosting;
using Conduit.Cli.Runs;
using Conduit.Configuration;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit runtime status|start|stop [--json]</c>: the original Conduit's daemon lifecycle, with
/// <c>&lt;stateDir&gt;/runtime.json</c> (<c>{base_url, pid, started_at}</c>) recording the daemon <c>start</c> launched.
/// </summary>
internal static class RuntimeCommand
{
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    public static Command Create(CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON.", Recursive = true };
        var runtime = new Command("runtime", "The local daemon: status, start (detached) and stop, recorded in <stateDir>/runtime.json.");
        runtime.Options.Add(json);

        var status = new Command("status", "Whether a daemon answers at --base-url, and the one runtime start launched.");
        status.SetAction((parse, cancellationToken) => RunsCommands.Guard(environment, async () =>
        {
            var (_, baseUrl, stateDirectory) = Load(environment, parse);
            using var client = new DaemonClient(baseUrl);
            var recorded = RuntimeStateFile.TryRead(stateDirectory);
            var result = new JsonObject
            {
                ["base_url"] = DaemonAddress.Display(baseUrl),
                ["reachable"] = await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false),
                ["pid"] = recorded?.Pid,
                ["started_at"] = recorded?.ToJson()["started_at"]?.DeepClone(),
            };
            Write(environment, result, parse.GetValue(json));
            return ExitCodes.Success;
        }));

        var start = new Command("start", "Start `conduit serve` on --base-url's host and port, detached, unless a daemon already answers there.");
        start.SetAction((parse, cancellationToken) => RunsCommands.Guard(environment, async () =>
        {
            var (_, baseUrl, stateDirectory) = Load(environment, parse);
            using var client = new DaemonClient(baseUrl);
            if (await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
            {
                Write(environment, new JsonObject
                {
                    ["base_url"] = DaemonAddress.Display(baseUrl),
                    ["started"] = false,
                    ["already_running"] = true,
                    ["pid"] = RuntimeStateFile.TryRead(stateDirectory)?.Pid,
                }, parse.GetValue(json));
                return ExitCodes.Success;
            }

            var logFile = Path.Combine(stateDirectory, "runtime.log");
            var pid = DaemonProcess.Start(environment, baseUrl.Host, baseUrl.Port, logFile);
            var startTimeout = StartTimeout(environment);
            var waited = Stopwatch.StartNew();
            while (!await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!DaemonProcess.IsAlive(pid) || waited.Elapsed > startTimeout)
                {
                    var exited = !DaemonProcess.IsAlive(pid);
                    if (!exited)
                    {
                        await DaemonProcess.StopAsync(pid, TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
                    }

                    throw new IOException($"The daemon {(exited ? "exited" : $"did not answer GET /healthz within {startTimeout.TotalSeconds} s")} (pid {pid}); see {logFile}:{Environment.NewLine}{Tail(logFile)}");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            var recorded = new RuntimeStateFile { BaseUrl = DaemonAddress.Display(baseUrl), Pid = pid, StartedAt = environment.TimeProvider.GetUtcNow() };
            recorded.Write(stateDirectory);
            var result = recorded.ToJson();
            result["started"] = true;
            result["already_running"] = false;
            Write(environment, result, parse.GetValue(json));
            return ExitCodes.Success;
        }));

        var stop = new Command("stop", "Stop the daemon runtime start launched (SIGTERM, SIGKILL after 10 s) and delete runtime.json.");
        stop.SetAction((parse, cancellationToken) => RunsCommands.Guard(environment, async () =>
        {
            var (_, baseUrl, stateDirectory) = Load(environment, parse);
            var recorded = RuntimeStateFile.TryRead(stateDirectory);
            var result = new JsonObject { ["base_url"] = recorded?.BaseUrl ?? DaemonAddress.Display(baseUrl) };
            if (recorded is null || !DaemonProcess.IsConduitServe(recorded.Pid))
            {
                // No record, or a stale one (the daemon is gone or its pid now belongs to another program).
                RuntimeStateFile.Delete(stateDirectory);
                result["stopped"] = false;
                result["found"] = false;
                Write(environment, result, parse.GetValue(json));
                return ExitCodes.Success;
            }

            var stopped = await DaemonProcess.StopAsync(recorded.Pid, StopGrace, cancellationToken).ConfigureAwait(false);
            if (stopped)
            {
                RuntimeStateFile.Delete(stateDirectory);
            }

            result["stopped"] = stopped;
            result["found"] = true;
            result["pid"] = recorded.Pid;
            Write(environment, result, parse.GetValue(json));
            return stopped ? ExitCodes.Success : ExitCodes.AgentFailed;
        }));

        runtime.Subcommands.Add(status);
        runtime.Subcommands.Add(start);
        runtime.Subcommands.Add(stop);
        return runtime;
    }

    private static (ConduitConfiguration Configuration, Uri BaseUrl, string StateDirectory) Load(CliEnvironment environment, ParseResult parse)
    {
        var configuration = ConduitConfigurationLoader.Load(CliConfiguration.LoadOptions(environment));
        return (configuration, DaemonAddress.Resolve(parse, configuration.Settings), RunsContext.ResolveStateDirectory(environment, null, configuration));
    }

    /// <summary>How long <c>start</c> waits for <c>/healthz</c>: 10 s, or <c>$CONDUIT_RUNTIME_START_TIMEOUT_SECONDS</c>.</summary>
    private static TimeSpan StartTimeout(CliEnvironment environment) =>
        int.TryParse(environment.GetEnvironmentVariable("CONDUIT_RUNTIME_START_TIMEOUT_SECONDS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultStartTimeout;

    private static void Write(CliEnvironment environment, JsonObject result, bool json)
    {
        if (json)
        {
            CliConfiguration.WriteJson(environment, result);
            return;
        }

        foreach (var (key, value) in result)
        {
            environment.Out.WriteLine($"{key}: {value switch { null => "null", JsonValue v when v.TryGetValue<string>(out var s) => s, _ => value.ToJsonString() }}");
        }
    }

    private static string Tail(string logFile)
    {
        try
        {
            var lines = File.ReadAllLines(logFile);
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 20)));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
