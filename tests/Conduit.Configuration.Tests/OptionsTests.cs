using Conduit.Configuration.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class OptionsTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void The_effective_configuration_binds_to_options_including_named_runner_options()
    {
        tree.WriteGlobal("""
            conduit:
              server: { port: 9100, queue: { maxActiveRuns: 2 }, throttling: { enabled: true, windowMs: 1000, key: global } }
              runners:
                codex: { args: ["--x"], executable: /opt/codex, env: { A: 1 }, timeout: 10m }
            """);
        using var provider = new ServiceCollection().AddConduitConfiguration(tree.Load(tree.MakeDirectory("w"))).BuildServiceProvider();

        Assert.Equal(9100, provider.GetRequiredService<IOptions<ConduitServerOptions>>().Value.Port);
        Assert.Equal(2, provider.GetRequiredService<IOptions<ConduitQueueOptions>>().Value.MaxActiveRuns);
        var throttling = provider.GetRequiredService<IOptions<ConduitThrottlingOptions>>().Value;
        Assert.True(throttling.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(1), throttling.Window);
        Assert.Equal(ThrottlingKey.Global, throttling.Key);
        var codex = provider.GetRequiredService<IOptionsMonitor<ConduitRunnerOptions>>().Get("codex");
        Assert.Equal(["--x"], codex.Args);
        Assert.Equal("/opt/codex", codex.Executable);
        Assert.Equal("1", codex.Environment["A"]);
        Assert.Equal(TimeSpan.FromMinutes(10), codex.Timeout);
        Assert.Empty(provider.GetRequiredService<IOptionsMonitor<ConduitRunnerOptions>>().Get("claude").Args);
        Assert.NotNull(provider.GetRequiredService<ProjectRegistry>());
    }

    [Fact]
    public void Options_changed_in_code_to_an_invalid_value_fail_validation()
    {
        var services = new ServiceCollection().AddConduitConfiguration(tree.Load(tree.MakeDirectory("w")));
        services.Configure<ConduitQueueOptions>(o => o.MaxActiveRuns = 0);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ConduitQueueOptions>>().Value);

        Assert.Contains("maxActiveRuns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_keeps_the_first_configuration()
    {
        var first = tree.Load(tree.MakeDirectory("w"));
        var second = tree.Load(tree.MakeDirectory("w2"));
        using var provider = new ServiceCollection().AddConduitConfiguration(first).AddConduitConfiguration(second).BuildServiceProvider();

        Assert.Same(first, provider.GetRequiredService<ConduitConfiguration>());
    }

    [Fact]
    public void The_shipped_schema_is_the_docs_schema()
    {
        var docs = Path.Combine(AppContext.BaseDirectory, "../../../../../docs/config.schema.json");

        Assert.Equal(File.ReadAllText(docs), Parsing.ConfigSchema.ReadSchemaText());
    }
}
