using System.Collections;
using Conduit.Runners.Pricing;

namespace Conduit.Runners;

/// <summary>
/// Builds an agent's environment: the caller's environment minus secrets, plus what the provider needs, then the
/// runner's configured variables, then the request's.
/// </summary>
internal static class ChildEnvironment
{
    /// <summary>Inherited variables that are not passed on unless allowed.</summary>
    internal static readonly string[] SecretPatterns = ["*_TOKEN", "*_SECRET", "*_PASSWORD", "AWS_*", "CONDUIT_*TOKEN*"];

    /// <summary>Variables each provider itself reads (keys, endpoints), passed even when they match a secret pattern.</summary>
    internal static IReadOnlyList<string> ProviderVariables(string provider) => provider switch
    {
        AgentProviders.Claude => ["ANTHROPIC_*", "CLAUDE_*", "IS_SANDBOX"],
        AgentProviders.Codex => ["OPENAI_*", "CODEX_*"],
        AgentProviders.Gemini => ["GEMINI_*", "GOOGLE_*"],
        AgentProviders.Cursor => ["CURSOR_*"],
        _ => [],
    };

    public static Dictionary<string, string> Build(
        string provider,
        IDictionary inherited,
        AgentRunnerOptions options,
        IReadOnlyDictionary<string, string?>? requestEnvironment)
    {
        var allowed = ProviderVariables(provider).Concat(options.PassEnvironment).ToArray();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in inherited)
        {
            if (entry.Key is string name && entry.Value is string value
                && (!Matches(SecretPatterns, name) || Matches(allowed, name)))
            {
                environment[name] = value;
            }
        }

        Apply(environment, options.Environment);
        if (requestEnvironment is not null)
        {
            Apply(environment, requestEnvironment);
        }

        return environment;
    }

    private static void Apply(Dictionary<string, string> environment, IEnumerable<KeyValuePair<string, string?>> changes)
    {
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }
    }

    private static bool Matches(IEnumerable<string> patterns, string name) =>
        patterns.Any(pattern => PriceTable.GlobMatches(pattern, name));
}
