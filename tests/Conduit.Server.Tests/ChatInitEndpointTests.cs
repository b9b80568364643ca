using System.Net;
using System.Text.Json.Nodes;

namespace Conduit.Server.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ChatInitEndpointTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "conduit-chat-init-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Chat_init_is_not_found_while_allowInit_is_off()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.StateDirectory = _stateDirectory);

        using var response = await daemon.PostJsonAsync("/chat/init", "{}");

        await Problems.AssertProblemAsync(response, 404);
        Assert.False(Directory.Exists(_stateDirectory));
    }

    [Fact]
    public async Task Chat_init_installs_the_state_directory_like_conduit_install_and_skips_what_exists_the_second_time()
    {
        var globalConfig = Path.Combine(_stateDirectory, "config.yaml");
        await using var daemon = await TestDaemon.StartAsync(o =>
        {
            o.AllowInit = true;
            o.StateDirectory = _stateDirectory;
            o.GlobalConfigPath = globalConfig;
        });

        using var first = await daemon.PostJsonAsync("/chat/init", "{}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var installed = JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(installed["ok"]!.GetValue<bool>());
        Assert.True(installed["created_config"]!.GetValue<bool>());
        Assert.True(Directory.Exists(Path.Combine(_stateDirectory, "runs")));
        Assert.True(File.Exists(globalConfig));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_stateDirectory, "components"), "component.yaml", SearchOption.AllDirectories));
        Assert.True(installed["assets"]!["components"]!["copied_files"]!.GetValue<int>() > 0);

        using var second = await daemon.PostJsonAsync("/chat/init", "");
        var again = JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsObject();
        Assert.False(again["created_config"]!.GetValue<bool>());
        Assert.Equal(0, again["assets"]!["components"]!["copied_files"]!.GetValue<int>());
        Assert.True(again["assets"]!["components"]!["skipped_existing_files"]!.GetValue<int>() > 0);

        using var wrongType = await daemon.PostJsonAsync("/chat/init", """{"force":"yes"}""");
        await Problems.AssertProblemAsync(wrongType, 400, "force");
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
