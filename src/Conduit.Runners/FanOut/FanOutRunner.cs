using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>
/// One contestant of a fan-out: a runner spec, with an optional name (so the same provider and model can take part
/// twice with different settings) and extra environment or arguments for its runs.
/// </summary>
public sealed class FanOutRunner
{
    /// <summary>The provider and model.</summary>
    [JsonPropertyName("runner")]
    public required RunnerSpec Spec { get; init; }

    /// <summary>The name shown in tables; <see cref="RunnerSpec.ToString"/> when <see langword="null"/>. Names must be unique.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Environment variables added to this runner's agent processes (see <see cref="AgentRequest.Environment"/>).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Arguments passed to this runner's CLI verbatim (see <see cref="AgentRequest.Args"/>).</summary>
    [JsonIgnore]
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The name, else the spec.</summary>
    [JsonIgnore]
    public string DisplayName => Name ?? Spec.ToString();

    /// <summary>A contestant for <paramref name="spec"/>.</summary>
    public static FanOutRunner For(RunnerSpec spec) => new() { Spec = spec ?? throw new ArgumentNullException(nameof(spec)) };

    /// <summary>Parses a runner spec (<c>provider</c>, <c>provider/model</c>).</summary>
    public static FanOutRunner Parse(string text) => For(RunnerSpec.Parse(text));

    /// <inheritdoc />
    public override string ToString() => DisplayName;
}
