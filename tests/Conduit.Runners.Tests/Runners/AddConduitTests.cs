using Conduit.Runners.Pricing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Runners.Tests.Runners;

public sealed class AddConduitTests
{
    [Fact]
    public void Registers_a_keyed_runner_per_provider_a_factory_and_a_dispatching_runner()
    {
        using var provider = new ServiceCollection().AddConduit().Services.BuildServiceProvider();

        Assert.IsType<ClaudeCodeRunner>(provider.GetRequiredKeyedService<IAgentRunner>("claude"));
        Assert.IsType<CodexRunner>(provider.GetRequiredKeyedService<IAgentRunner>("codex"));
        Assert.IsType<GeminiRunner>(provider.GetRequiredKeyedService<IAgentRunner>("gemini"));
        Assert.IsType<CursorAgentRunner>(provider.GetRequiredKeyedService<IAgentRunner>("cursor"));
        var factory = provider.GetRequiredService<IAgentRunnerFactory>();
        Assert.Equal(AgentProviders.All, factory.Providers);
        Assert.Same(provider.GetRequiredKeyedService<IAgentRunner>("codex"), factory.GetRunner(RunnerSpec.Parse("codex/gpt-5")));
        Assert.IsType<DispatchingAgentRunner>(provider.GetRequiredService<IAgentRunner>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Calling_it_twice_registers_each_service_once()
    {
        var services = new ServiceCollection();
        services.AddConduit();

        services.AddConduit();

        Assert.Single(services, d => d.ServiceType == typeof(IAgentRunnerFactory));
        Assert.Single(services, d => d.ServiceType == typeof(IAgentRunner) && !d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(IAgentRunner) && d.IsKeyedService && Equals(d.ServiceKey, "claude"));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<AgentRunnerOptions>));
    }

    [Fact]
    public void A_runner_is_configured_by_provider_name()
    {
        using var provider = new ServiceCollection()
            .AddConduit()
            .ConfigureRunner("codex", o => o.ExecutablePath = "/opt/codex/bin/codex")
            .ConfigurePrices(p => p.Models["fake-*"] = new ModelPrice { InputPerMillion = 1, OutputPerMillion = 2 })
            .Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AgentRunnerOptions>>();
        Assert.Equal("/opt/codex/bin/codex", options.Get("codex").ExecutablePath);
        Assert.Null(options.Get("claude").ExecutablePath);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Get("claude").Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Get("claude").IdleTimeout);
        Assert.NotNull(provider.GetRequiredService<IOptions<PriceTable>>().Value.Find("fake-model"));
    }

    [Fact]
    public void Invalid_runner_options_fail_with_the_setting_named()
    {
        using var provider = new ServiceCollection()
            .AddConduit(b => b.ConfigureRunner("gemini", o => o.IdleTimeout = TimeSpan.Zero))
            .Services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<AgentRunnerOptions>>().Get("gemini"));

        Assert.Contains("conduit.runners.gemini.idleTimeout", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuring_an_unknown_provider_names_the_known_ones()
    {
        var exception = Assert.Throws<UnknownProviderException>(() => { new ServiceCollection().AddConduit().ConfigureRunner("copilot", _ => { }); });

        Assert.Contains("claude, codex, cursor, gemini", exception.Message, StringComparison.Ordinal);
    }
}
