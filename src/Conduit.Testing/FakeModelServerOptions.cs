namespace Conduit.Testing;

/// <summary>Options of a <see cref="FakeModelServer"/>.</summary>
public sealed class FakeModelServerOptions
{
    /// <summary>The turn answered when the script is empty.</summary>
    /// <value>A text reply, <c>hello from fake model</c>.</value>
    public FakeTurn DefaultTurn { get; init; } = FakeTurn.Text("hello from fake model");

    /// <summary>Input tokens reported in every answer's usage.</summary>
    /// <value>100.</value>
    public int InputTokens { get; init; } = 100;

    /// <summary>Cached input tokens reported in every OpenAI Responses answer's usage.</summary>
    /// <value>20.</value>
    public int CachedInputTokens { get; init; } = 20;

    /// <summary>Output tokens reported in every answer's usage.</summary>
    /// <value>7.</value>
    public int OutputTokens { get; init; } = 7;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(DefaultTurn);
        ArgumentOutOfRangeException.ThrowIfNegative(InputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(CachedInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(OutputTokens);
    }
}
