using Xunit;

namespace Conduit.Abstractions.Tests;

public sealed class RunnerSpecTests
{
    [Theory]
    [InlineData("codex", "codex", null)]
    [InlineData("codex/gpt-5", "codex", "gpt-5")]
    [InlineData("claude:sonnet-4", "claude", "sonnet-4")]
    [InlineData(" Gemini/gemini-2.5-pro ", "gemini", "gemini-2.5-pro")]
    [InlineData("cursor/org/model", "cursor", "org/model")]
    public void Parse_reads_provider_and_model_in_every_written_form(string text, string provider, string? model)
    {
        var spec = RunnerSpec.Parse(text);

        Assert.Equal(provider, spec.Provider);
        Assert.Equal(model, spec.Model);
    }

    [Fact]
    public void An_unknown_provider_names_the_known_ones()
    {
        var error = Assert.Throws<UnknownProviderException>(() => RunnerSpec.Parse("bogus/x"));

        Assert.Equal("Unsupported runner provider \"bogus\". Known providers: claude, codex, cursor, gemini.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("codex/")]
    [InlineData("/gpt-5")]
    public void A_malformed_spec_is_an_argument_error(string text)
    {
        Assert.ThrowsAny<ArgumentException>(() => RunnerSpec.Parse(text));
        Assert.False(RunnerSpec.TryParse(text, out _));
    }

    [Fact]
    public void Specs_are_equal_by_provider_and_model_and_print_as_written()
    {
        Assert.Equal(RunnerSpec.Parse("codex:gpt-5"), RunnerSpec.Parse("codex/gpt-5"));
        Assert.Equal("codex/gpt-5", RunnerSpec.Parse("codex:gpt-5").ToString());
        Assert.NotEqual(RunnerSpec.Parse("codex"), RunnerSpec.Parse("codex/gpt-5"));
    }
}
