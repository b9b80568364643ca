namespace Conduit.Configuration;

/// <summary>
/// One value set from outside the files: a command-line flag or a request field. Overrides win over every file.
/// </summary>
public sealed class ConfigurationOverride
{
    /// <summary>The key path, e.g. <c>conduit.server.port</c> (the <c>conduit.</c> prefix may be left out).</summary>
    public required string Key { get; init; }

    /// <summary>The value: null, a string, a number, a bool or a list of strings.</summary>
    public required object? Value { get; init; }

    /// <summary>Where it came from, shown by <c>config show --origin</c> and in errors, e.g. <c>--port</c>.</summary>
    public required string Source { get; init; }
}
