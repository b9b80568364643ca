using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Conduit.Server.Projects;
using Conduit.Server.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Server.Tests;

/// <summary>A real daemon on 127.0.0.1 (a free port) with fake runners and a fake orchestrator, and an HttpClient for it.</summary>
internal sealed class TestDaemon : IAsyncDisposable
{
    private TestDaemon(WebApplication app, Uri baseAddress, FakeAgentRunnerFactory runners, FakeRunOrchestrator runs, string projectDirectory)
    {
        App = app;
        BaseAddress = baseAddress;
        Runners = runners;
        Runs = runs;
        ProjectDirectory = projectDirectory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public FakeAgentRunnerFactory Runners { get; }

    public FakeAgentRunner Runner => Runners.Runner;

    public FakeRunOrchestrator Runs { get; }

    public string ProjectDirectory { get; }

    public HttpClient Client { get; }

    public static async Task<TestDaemon> StartAsync(Action<ConduitServerOptions>? configure = null, Action<IServiceCollection>? services = null, bool withOrchestrator = true, bool withFakeRunners = true)
    {
        var options = new ConduitServerOptions { Port = 0, ShutdownGracePeriod = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var builder = ConduitServer.CreateBuilder(options);
        builder.Logging.ClearProviders();
        var runners = new FakeAgentRunnerFactory();
        var runs = new FakeRunOrchestrator();
        var projectDirectory = Directory.CreateTempSubdirectory("conduit-server-project-").FullName;
        if (withFakeRunners)
        {
            builder.Services.AddSingleton<IAgentRunnerFactory>(runners);
        }

        if (withOrchestrator)
        {
            builder.Services.AddSingleton<IRunOrchestrator>(runs);
        }

        builder.Services.AddSingleton<IProjectDirectoryResolver>(new StaticProjectDirectoryResolver([new("billing", projectDirectory)]));
        services?.Invoke(builder.Services);
        var app = ConduitServer.Build(builder);
        var addresses = await ConduitServer.StartAsync(app);
        return new TestDaemon(app, addresses[0], runners, runs, projectDirectory);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode json) => Json(json.ToJsonString());

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) => Client.PostAsync(path, Json(json));

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? host = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = Json(json);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(ProjectDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reads problem-details answers.</summary>
internal static class Problems
{
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, int status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(status, (int)body["status"]!);
        Assert.StartsWith("urn:conduit:problem:", (string)body["type"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["title"]));
        Assert.Equal((string)body["detail"]!, (string)body["error"]!);
        if (field is not null)
        {
            Assert.Equal(field, (string?)body["field"]);
            Assert.NotNull(body["errors"]![field]);
        }

        return body;
    }

    public static MediaTypeHeaderValue JsonType => new("application/json");
}
