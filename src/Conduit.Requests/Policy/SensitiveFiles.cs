namespace Conduit.Requests;

/// <summary>
/// File names never read or written from a request (case-sensitive basenames): <c>.env</c>, <c>.env.*</c>,
/// <c>id_rsa</c>, <c>id_ed25519</c>, <c>*.pem</c>, <c>*.key</c>, <c>*.p12</c>, <c>credentials.json</c>, <c>secrets.*</c>.
/// </summary>
public static class SensitiveFiles
{
    /// <summary>The patterns, as documented.</summary>
    public static IReadOnlyList<string> Patterns { get; } = [".env", ".env.*", "id_rsa", "id_ed25519", "*.pem", "*.key", "*.p12", "credentials.json", "secrets.*"];

    /// <summary>Whether a file name (no directory) matches a sensitive pattern.</summary>
    public static bool IsSensitive(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName is ".env" or "id_rsa" or "id_ed25519" or "credentials.json"
            || fileName.StartsWith(".env.", StringComparison.Ordinal)
            || fileName.StartsWith("secrets.", StringComparison.Ordinal)
            || fileName.EndsWith(".pem", StringComparison.Ordinal)
            || fileName.EndsWith(".key", StringComparison.Ordinal)
            || fileName.EndsWith(".p12", StringComparison.Ordinal);
    }
}
