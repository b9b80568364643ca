using System.Text;
using Conduit.Testing;

namespace Conduit.LoadTest;

/// <summary>
/// <c>Conduit.LoadTest fake-model-env FILE</c>: starts the fake model API, writes the Claude CLI's environment for it
/// to FILE as shell <c>export</c>/<c>unset</c> lines, and serves until standard input closes. benchmarks/run.sh sources
/// the file, so the bare <c>claude -p</c>, <c>conduit chat</c> and the Agent SDK all talk to the same server with
/// the same environment.
/// </summary>
internal static class FakeModelEnvironmentFile
{
    public static async Task<int> RunAsync(string file, CancellationToken cancellationToken)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text("hello from fake model") }, cancellationToken);
        using var environment = FakeModelEnvironment.Create(server, "claude");
        var text = new StringBuilder();
        foreach (var (name, value) in environment.EnvironmentVariables)
        {
            text.Append(value is null ? $"unset {name}\n" : $"export {name}='{value.Replace("'", "'\\''", StringComparison.Ordinal)}'\n");
        }

        await File.WriteAllTextAsync(file, text.ToString(), cancellationToken);
        Console.WriteLine($"fake model API at {server.BaseAddress}; environment in {file}");
        await Console.In.ReadToEndAsync(cancellationToken);
        return 0;
    }
}
