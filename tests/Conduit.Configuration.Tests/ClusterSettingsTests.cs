using Conduit.Configuration.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Conduit.Configuration.Tests;

/// <summary>The scale-out keys: <c>store.provider: postgres</c> and <c>cluster.checkinInterval</c>.</summary>
public sealed class ClusterSettingsTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void By_default_the_store_is_sqlite_and_the_check_in_interval_is_quartz_default()
    {
        var settings = tree.Load(tree.MakeDirectory("w")).Settings;

        Assert.Equal("sqlite", settings.Store.Provider);
        Assert.Equal(TimeSpan.FromMilliseconds(7500), settings.Cluster.CheckinInterval);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("7.5s", 7500)]
    [InlineData("3", 3000)]
    public void The_postgres_store_and_the_check_in_interval_bind(string interval, int milliseconds)
    {
        tree.WriteGlobal($"""
            conduit:
              store: {"{"} provider: postgres, connectionString: "Host=db;Database=conduit" {"}"}
              cluster: {"{"} checkinInterval: {interval} {"}"}
            """);

        var settings = tree.Load(tree.MakeDirectory("w")).Settings;

        Assert.Equal("postgres", settings.Store.Provider);
        Assert.Equal("Host=db;Database=conduit", settings.Store.EffectiveConnectionString);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), settings.Cluster.CheckinInterval);
    }

    [Fact]
    public void A_check_in_interval_in_minutes_is_rejected_with_its_position()
    {
        tree.WriteGlobal("conduit:\n  cluster:\n    checkinInterval: 5m\n");

        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(tree.MakeDirectory("w")));

        Assert.Equal(3, error.Line);
        Assert.Contains("checkinInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_postgres_store_without_a_connection_string_fails_validation_on_start()
    {
        tree.WriteGlobal("conduit:\n  store: { provider: postgres }\n");
        using var provider = new ServiceCollection().AddConduitConfiguration(tree.Load(tree.MakeDirectory("w"))).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ConduitStoreOptions>>().Value);

        Assert.Contains("conduit.store.connectionString is required when conduit.store.provider is postgres", error.Message, StringComparison.Ordinal);
    }
}
