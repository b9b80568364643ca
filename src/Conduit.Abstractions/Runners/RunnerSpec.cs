using System.Diagnostics.CodeAnalysis;

namespace Conduit;

/// <summary>
/// Names a runner: a provider (<c>claude</c>, <c>codex</c>, <c>gemini</c>, <c>cursor</c>) and optionally a model.
/// Written as <c>provider</c>, <c>provider/model</c> or <c>provider:model</c>.
/// </summary>
public sealed class RunnerSpec : IEquatable<RunnerSpec>
{
    /// <summary>Creates a spec. The provider is normalized to lower case.</summary>
    /// <exception cref="UnknownProviderException">The provider is not one of <see cref="AgentProviders.All"/>.</exception>
    public RunnerSpec(string provider, string? model = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        var normalized = provider.Trim().ToLowerInvariant();
        if (!AgentProviders.IsKnown(normalized))
        {
            throw new UnknownProviderException(provider.Trim());
        }

        Provider = normalized;
        Model = string.IsNullOrWhiteSpace(model) ? null : model.Trim();
    }

    /// <summary>The provider name, lower case: one of <see cref="AgentProviders.All"/>.</summary>
    public string Provider { get; }

    /// <summary>The model, or <see langword="null"/> for the CLI's own default.</summary>
    public string? Model { get; }

    /// <summary>Returns a copy with another model.</summary>
    public RunnerSpec WithModel(string? model) => new(Provider, model);

    /// <summary>Parses <c>provider</c>, <c>provider/model</c> or <c>provider:model</c>.</summary>
    /// <exception cref="UnknownProviderException">The provider is unknown; the message lists the known ones.</exception>
    /// <exception cref="ArgumentException">The text is empty or has an empty provider or model part.</exception>
    public static RunnerSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("A runner spec cannot be empty; write provider or provider/model, e.g. codex/gpt-5.", nameof(text));
        }

        var separator = trimmed.IndexOfAny(['/', ':']);
        if (separator < 0)
        {
            return new RunnerSpec(trimmed);
        }

        var provider = trimmed[..separator];
        var model = trimmed[(separator + 1)..];
        if (provider.Length == 0 || model.Trim().Length == 0)
        {
            throw new ArgumentException($"Runner spec \"{trimmed}\" is malformed; write provider or provider/model, e.g. codex/gpt-5.", nameof(text));
        }

        return new RunnerSpec(provider, model);
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RunnerSpec? spec)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            spec = Parse(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (UnknownProviderException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Model is null ? Provider : $"{Provider}/{Model}";

    /// <inheritdoc />
    public bool Equals(RunnerSpec? other) =>
        other is not null && Provider == other.Provider && string.Equals(Model, other.Model, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RunnerSpec);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Provider, Model);
}
