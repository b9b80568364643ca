namespace Conduit.Server.Status;

/// <summary>Tells whether a provider's CLI is installed, for the dashboard.</summary>
public interface IProviderAvailabilityProbe
{
    /// <summary>Probes <paramref name="provider"/>.</summary>
    ValueTask<ProviderAvailability> ProbeAsync(string provider, CancellationToken cancellationToken = default);
}

/// <summary>Whether a provider's CLI was found.</summary>
public sealed class ProviderAvailability
{
    /// <summary>The provider.</summary>
    public required string Provider { get; init; }

    /// <summary>Whether its CLI was found.</summary>
    public required bool Installed { get; init; }

    /// <summary>Where it was found.</summary>
    public string? ExecutablePath { get; init; }

    /// <summary>Its version, when known.</summary>
    public string? Version { get; init; }
}

/// <summary>Looks for each provider's executable on <c>PATH</c> (<c>claude</c>, <c>codex</c>, <c>gemini</c>, <c>cursor-agent</c>).</summary>
public sealed class PathProviderAvailabilityProbe : IProviderAvailabilityProbe
{
    private readonly Func<string, string?> _getEnvironmentVariable;

    /// <summary>Creates the probe; <paramref name="getEnvironmentVariable"/> reads <c>PATH</c> (the process environment by default).</summary>
    public PathProviderAvailabilityProbe(Func<string, string?>? getEnvironmentVariable = null)
    {
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The executable name of a provider's CLI.</summary>
    public static string ExecutableName(string provider) => provider switch
    {
        AgentProviders.Cursor => "cursor-agent",
        _ => provider,
    };

    /// <inheritdoc />
    public ValueTask<ProviderAvailability> ProbeAsync(string provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var name = ExecutableName(provider);
        var path = _getEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return ValueTask.FromResult(new ProviderAvailability { Provider = provider, Installed = true, ExecutablePath = candidate });
            }
        }

        return ValueTask.FromResult(new ProviderAvailability { Provider = provider, Installed = false });
    }
}
