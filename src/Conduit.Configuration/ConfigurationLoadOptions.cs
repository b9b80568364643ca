namespace Conduit.Configuration;

/// <summary>What <see cref="ConduitConfigurationLoader.Load"/> needs to know about its surroundings.</summary>
public sealed class ConfigurationLoadOptions
{
    /// <summary>The directory the project file is searched from (walking up). Relative paths in overrides resolve against it.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>
    /// Where the global file and the default state directory live.
    /// <value>Default: null, meaning the <c>CONDUIT_HOME</c> environment variable, else <c>~/.conduit</c>.</value>
    /// </summary>
    public string? ConduitHome { get; init; }

    /// <summary>
    /// The home directory used to expand <c>~</c>.
    /// <value>Default: null, meaning the <c>HOME</c> environment variable, else the user profile folder.</value>
    /// </summary>
    public string? HomeDirectory { get; init; }

    /// <summary>Flags and request fields, applied over every file (later entries win over earlier ones).</summary>
    public IReadOnlyList<ConfigurationOverride> Overrides { get; init; } = [];

    /// <summary>Environment variable lookup (<c>CONDUIT_HOME</c>, <c>HOME</c>). Tests replace it; the default reads the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>When false, no project file is read (e.g. for commands that only touch the global file).</summary>
    public bool IncludeProjectFile { get; init; } = true;
}
