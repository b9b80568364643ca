using Conduit.Runners.Pricing;

namespace Conduit.Runners.Tests.Parsing;

public sealed class PriceTableTests
{
    [Theory]
    [InlineData("gpt-5", 1.25)]
    [InlineData("gpt-5.2-codex", 1.25)]
    [InlineData("gpt-5-mini", 0.25)]
    [InlineData("gemini-2.5-flash", 0.3)]
    [InlineData("gemini-2.5-flash-lite", 0.1)]
    [InlineData("GEMINI-2.5-PRO", 1.25)]
    [InlineData("claude-sonnet-4-5", 3)]
    public void The_longest_matching_pattern_gives_the_price(string model, double inputPerMillion)
    {
        var price = new PriceTable().Find(model);

        Assert.NotNull(price);
        Assert.Equal((decimal)inputPerMillion, price.InputPerMillion);
    }

    [Fact]
    public void An_unknown_model_has_no_price()
    {
        Assert.Null(new PriceTable().Estimate("fake-model", new AgentUsage { InputTokens = 10 }));
    }

    [Fact]
    public void Configured_prices_override_the_defaults()
    {
        var table = new PriceTable();
        table.Models["fake-*"] = new ModelPrice { InputPerMillion = 1_000_000m, OutputPerMillion = 2_000_000m };

        Assert.Equal(4m, table.Estimate("fake-model", new AgentUsage { InputTokens = 2, OutputTokens = 1 }));
    }
}
