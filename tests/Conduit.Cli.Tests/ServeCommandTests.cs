using System.Net;
using System.Text.RegularExpressions;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary><c>conduit serve</c>, run in-process on a free loopback port.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("conduit-cli-serve-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private CliEnvironment Environment(TextWriter output, TextWriter error)
    {
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        var conduitHome = Directory.CreateDirectory(Path.Combine(root, "conduit-home")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), $"conduit:\n  projects:\n    billing:\n      path: {work}\n");
        return new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => home,
                "CONDUIT_HOME" => conduitHome,
                _ => null,
            },
        };
    }

    [Fact]
    public async Task Serve_prints_its_url_and_token_file_serves_until_cancelled_and_exits_0()
    {
        var output = new LineSignallingWriter("Auth:");
        using var error = new StringWriter();
        var tokenFile = Path.Combine(root, "token");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serve = ConduitCli.InvokeAsync(["serve", "--port", "0", "--token-file", tokenFile], Environment(output, error), stop.Token);

        await Task.WhenAny(output.Seen, serve).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(serve.IsCompleted, $"serve ended early: {error}");
        var text = output.ToString();
        var url = UrlPattern().Match(text);
        Assert.True(url.Success, text);
        Assert.Contains($"the token is in {tokenFile}", text);

        using var client = new HttpClient { BaseAddress = new Uri(url.Value) };
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var runs = await client.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, runs.StatusCode);

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await serve.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public async Task Serve_refuses_a_non_loopback_host_without_allow_non_loopback()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ConduitCli.InvokeAsync(["serve", "--host", "0.0.0.0", "--port", "0"], Environment(output, error));
        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("Error: conduit.server.host: refusing to listen on non-loopback address 0.0.0.0", error.ToString());
        Assert.Contains("--allow-non-loopback", error.ToString());
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex UrlPattern();

    /// <summary>A thread-safe writer that completes <see cref="Seen"/> once a line containing a marker was written.</summary>
    private sealed class LineSignallingWriter(string marker) : TextWriter
    {
        private readonly System.Text.StringBuilder text = new();
        private readonly TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => seen.Task;

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (text)
            {
                text.Append(value);
                if (value == '\n' && text.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }

        public override string ToString()
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }
}
