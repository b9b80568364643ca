namespace Conduit.Testing;

/// <summary>Options of a <see cref="FakeModelEnvironment"/>.</summary>
public sealed class FakeModelEnvironmentOptions
{
    /// <summary>
    /// The home directory to use (it is created, and kept on dispose). Two runs that must share sessions (resume)
    /// use the same environment or the same home directory.
    /// </summary>
    /// <value><see langword="null"/>: a fresh directory under the system temp folder, deleted on dispose.</value>
    public string? HomeDirectory { get; init; }

    /// <summary>Gemini CLI's turn limit (setting <c>model.maxSessionTurns</c>, written to its settings.json); ignored by other providers.</summary>
    /// <value><see langword="null"/>: no limit.</value>
    public int? GeminiMaxSessionTurns { get; init; }

    /// <summary>The fake API key handed to the CLI.</summary>
    /// <value><c>fake-key-000</c>.</value>
    public string ApiKey { get; init; } = "fake-key-000";
}
