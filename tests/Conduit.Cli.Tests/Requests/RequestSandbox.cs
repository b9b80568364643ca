using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Tests.Requests;

/// <summary>A temporary CONDUIT_HOME and working directory; runs <c>conduit request …</c> in-process.</summary>
internal sealed class RequestSandbox : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "conduit-cli-request-" + Guid.NewGuid().ToString("N"));

    public RequestSandbox()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(ConduitHome);
        Directory.CreateDirectory(Work);
    }

    public string Home => Path.Combine(_root, "home");

    public string ConduitHome => Path.Combine(_root, "conduit-home");

    public string Work => Path.Combine(_root, "work");

    /// <summary>DISPLAY for the clipboard tool; null leaves it unset.</summary>
    public string? Display { get; set; }

    /// <summary>Writes <paramref name="request"/> to a file in the working directory; returns its name.</summary>
    public string WriteRequest(string request, string name = "request.json")
    {
        File.WriteAllText(Path.Combine(Work, name), request);
        return name;
    }

    /// <summary>The run folders under the state dir.</summary>
    public IReadOnlyList<string> RunFolders()
    {
        var requests = Directory.EnumerateDirectories(ConduitHome, "requests", SearchOption.AllDirectories).FirstOrDefault();
        return requests is null ? [] : Directory.GetDirectories(requests);
    }

    public Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, string stdin = "", bool terminal = false) =>
        RunAsync(args, new StringReader(stdin), terminal);

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, TextReader stdin, bool terminal)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            In = stdin,
            IsInputTerminal = terminal,
            WorkingDirectory = Work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => Home,
                "CONDUIT_HOME" => ConduitHome,
                "PATH" => Environment.GetEnvironmentVariable("PATH"),
                "DISPLAY" => Display,
                "USER" => "tester",
                _ => null,
            },
        };
        var exitCode = await ConduitCli.InvokeAsync(args, environment);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Opens a clipboard session with <c>conduit request pair --json</c>; returns its id and nonce.</summary>
    public async Task<(string SessionId, string Nonce)> PairAsync(params string[] extra)
    {
        var (exitCode, output, error) = await RunAsync(["request", "pair", "--json", .. extra]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"pair failed ({exitCode}): {error}");
        }

        var session = JsonNode.Parse(output)!["session"]!;
        return (session["sessionId"]!.GetValue<string>(), session["nonce"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
