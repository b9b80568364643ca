using System.Text.Json.Nodes;
using Conduit.Requests;
using Microsoft.Extensions.Time.Testing;

namespace Conduit.Requests.Tests;

/// <summary>A temporary project root and state directory, with a processor over them.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "conduit-requests-" + Guid.NewGuid().ToString("N"));
        Root = Path.Combine(Directory, "project");
        State = Path.Combine(Directory, "state");
        System.IO.Directory.CreateDirectory(Root);
        System.IO.Directory.CreateDirectory(State);
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    }

    public string Directory { get; }

    public string Root { get; }

    public string State { get; }

    public FakeTimeProvider Time { get; }

    public ConduitRequestsOptions Options(Action<ConduitRequestsOptions>? configure = null)
    {
        var options = new ConduitRequestsOptions { StateDirectory = State, AllowedRoots = [Root] };
        configure?.Invoke(options);
        return options;
    }

    public RequestProcessor Processor(Action<ConduitRequestsOptions>? configure = null, IRequestProcessRunner? processes = null, IAgentRunnerFactory? agents = null, IRunOrchestrator? orchestrator = null) =>
        new(Options(configure), Time, processes, agents, orchestrator);

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Requests
{
    public static ParsedRequest Parse(string text, RequestOrigin origin = RequestOrigin.Clipboard)
    {
        var result = RequestParser.Parse(text, origin);
        Assert.True(result.Status == RequestParseStatus.Request, $"expected a request, got {result.Status}: {string.Join("; ", result.Problems)}");
        return result.Request!;
    }

    public static RequestParseResult Reject(string text, RequestOrigin origin = RequestOrigin.Clipboard)
    {
        var result = RequestParser.Parse(text, origin);
        Assert.Equal(RequestParseStatus.Rejected, result.Status);
        Assert.NotNull(result.Repair);
        return result;
    }

    /// <summary>A canonical envelope with the given actions (JSON array text) and permissions.</summary>
    public static string Envelope(string actions, string permissions = "[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"write\"},{\"kind\":\"shell\"},{\"kind\":\"agent\"}]", string? sessionId = null, string? nonce = null)
    {
        var json = new JsonObject
        {
            ["schema"] = "conduit.request.v1",
            ["source"] = new JsonObject { ["kind"] = "chat", ["trust"] = "paired-session" },
            ["permissions"] = JsonNode.Parse(permissions),
        };
        if (sessionId is not null)
        {
            json["sessionId"] = sessionId;
        }

        if (nonce is not null)
        {
            json["nonce"] = nonce;
        }

        json["actions"] = JsonNode.Parse(actions);
        return json.ToJsonString();
    }

    public static string Action(string id, string tool, string args) => $"{{\"id\":\"{id}\",\"tool\":\"{tool}\",\"args\":{args}}}";
}
