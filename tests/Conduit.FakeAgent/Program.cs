// fake-agent: stands in for claude / codex / gemini / cursor-agent in tests. It ignores every argument it does not
// know (so it accepts the real CLIs' flags) and can be configured purely through FAKE_AGENT_* environment variables.
// See FakeAgentOptions for the options.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FakeAgentCli;

var options = FakeAgentOptions.Parse(args);
RecordTime(options.RecordTimesFile, "start");

// Kept alive for the whole run: disposing a registration restores the default action.
var ignoredSignals = new List<PosixSignalRegistration>();
if (options.IgnoreSigint)
{
    ignoredSignals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true));
}

if (options.IgnoreSigterm)
{
    ignoredSignals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true));
}

string? standardInput = null;
if (options.RecordArgvFile is not null || options.EchoStdin)
{
    standardInput = Console.In.ReadToEnd();
}

if (options.RecordArgvFile is not null)
{
    RecordInvocation(options.RecordArgvFile, args, standardInput!);
}

using var stdout = Console.OpenStandardOutput();
using var stderr = Console.OpenStandardError();

if (options.EchoStdin)
{
    WriteRaw(stdout, Encoding.UTF8.GetBytes(standardInput!));
}

if (options.SpawnGrandchild is { } grandchildMode)
{
    SpawnGrandchildren(grandchildMode, stderr);
}

if (options.StderrFile is not null)
{
    foreach (var line in SplitLines(File.ReadAllBytes(options.StderrFile)))
    {
        WriteLine(stderr, line);
    }
}

if (options.WriteFile is { } writeFile && writeFile.IndexOf('=', StringComparison.Ordinal) is var separator and > 0)
{
    var target = Path.GetFullPath(writeFile[..separator]);
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    File.WriteAllText(target, writeFile[(separator + 1)..].Replace("\\n", "\n", StringComparison.Ordinal));
}

if (options.ReplayFile is not null)
{
    var first = true;
    foreach (var line in SplitLines(File.ReadAllBytes(options.ReplayFile)))
    {
        if (!first && options.DelayMs > 0)
        {
            Thread.Sleep(options.DelayMs);
        }

        first = false;
        WriteLine(stdout, line);
    }
}

if (options.Hang)
{
    Thread.Sleep(Timeout.Infinite);
}

GC.KeepAlive(ignoredSignals);
RecordTime(options.RecordTimesFile, "end");
return options.ExitCode;

// One line per call, appended in a single write, so concurrent fake agents can share the file.
static void RecordTime(string? file, string what)
{
    if (file is not null)
    {
        File.AppendAllText(file, $"{Environment.ProcessId} {what} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
    }
}

// Lines are copied as bytes (invalid UTF-8 included) so tests see exactly what the file holds.
static IEnumerable<byte[]> SplitLines(byte[] content)
{
    var start = 0;
    while (start < content.Length)
    {
        var newline = Array.IndexOf(content, (byte)'\n', start);
        var end = newline < 0 ? content.Length : newline;
        yield return content[start..end];
        start = end + 1;
    }
}

static void WriteLine(Stream stream, byte[] line)
{
    var bytes = new byte[line.Length + 1];
    line.CopyTo(bytes, 0);
    bytes[^1] = (byte)'\n';
    WriteRaw(stream, bytes);
}

static void WriteRaw(Stream stream, byte[] bytes)
{
    stream.Write(bytes);
    stream.Flush();
}

static void RecordInvocation(string file, string[] argv, string standardInput)
{
    using var output = File.Create(file);
    using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
    json.WriteStartObject();
    json.WriteStartArray("argv");
    foreach (var argument in argv)
    {
        json.WriteStringValue(argument);
    }

    json.WriteEndArray();
    json.WriteString("cwd", Environment.CurrentDirectory);
    json.WriteString("stdin", standardInput);
    json.WriteStartObject("environment");
    foreach (var entry in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().OrderBy(e => (string)e.Key, StringComparer.Ordinal))
    {
        json.WriteString((string)entry.Key, (string?)entry.Value);
    }

    json.WriteEndObject();
    json.WriteEndObject();
}

// "escaped": `setsid -f sleep 300`, a double-forked new session with its own stdio, reparented away from us at once.
// "stdout": `sleep 300` inheriting our stdout and stderr, so the pipe stays open after we exit.
static void SpawnGrandchildren(GrandchildMode mode, Stream stderr)
{
    var pids = new List<int>();
    if (mode is GrandchildMode.Escaped or GrandchildMode.Both)
    {
        var escaped = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { "-f", "sleep", "300" })
        {
            escaped.ArgumentList.Add(argument);
        }

        using var setsid = Process.Start(escaped)!;
        setsid.WaitForExit();
    }

    if (mode is GrandchildMode.Stdout or GrandchildMode.Both)
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "300"))!;
        pids.Add(sleeper.Id);
    }

    WriteLine(stderr, Encoding.UTF8.GetBytes($"fake-agent: grandchildren started {string.Join(' ', pids)}"));
}
