using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Conduit.Server.Tests;

/// <summary>
/// Opens the pages in Debian's headless Chromium and reads the DOM after their scripts ran. Chromium is installed by
/// scripts/install-test-deps.sh; without it these tests FAIL with that instruction rather than pass silently.
/// </summary>
public sealed class BrowserTests
{
    [Fact]
    public async Task A_run_submitted_through_the_api_appears_on_the_status_dashboard()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var created = await daemon.PostJsonAsync("/runs", """{"project_id":"billing","policy_id":"fix_bug.v1","input":{"issue":"x"}}""");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var runId = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["run_id"]!;
        using var chat = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");

        var dom = await Chromium.DumpDomAsync(new Uri(daemon.BaseAddress, "/status"));

        Assert.Contains($"data-run-id=\"{runId}\"", dom);
        Assert.Contains("fix_bug.v1", dom);
        Assert.Matches("id=\"runs-queued\">1<", dom);
        Assert.Contains("data-thread-id=", dom);
        Assert.DoesNotContain("Cannot load status", dom);
    }

    [Fact]
    public async Task The_api_reference_renders_the_openapi_document_offline()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var dom = await Chromium.DumpDomAsync(new Uri(daemon.BaseAddress, "/docs"));
        Assert.Contains("Conduit 0.1.0 (OpenAPI 3.1", dom);
        Assert.Contains("data-path=\"/runs/{runId}/events\"", dom);
        Assert.Contains("data-path=\"/chat\" data-method=\"post\"", dom);
        Assert.Contains("id=\"schema-ChatRequestBody\"", dom);
        Assert.DoesNotContain("Cannot load the OpenAPI document", dom);
    }

    [Fact]
    public async Task The_playground_shows_its_chat_and_run_forms()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var dom = await Chromium.DumpDomAsync(new Uri(daemon.BaseAddress, "/playground"));
        Assert.Contains("id=\"chat-form\"", dom);
        Assert.Contains("id=\"run-form\"", dom);
    }
}

internal static class Chromium
{
    public static async Task<string> DumpDomAsync(Uri url)
    {
        var executable = Find() ?? throw new Xunit.Sdk.XunitException(
            "FAILED: chromium is not installed, so the browser tests cannot run. Install it with scripts/install-test-deps.sh (Debian package chromium).");
        var profile = Directory.CreateTempSubdirectory("conduit-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                $"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url.ToString(),
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"chromium did not finish within 90 s: {await error}");
            }

            var dom = await output;
            Assert.True(dom.Length > 0, $"chromium printed no DOM (exit {process.ExitCode}): {await error}");
            return dom;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
