using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// The per-request folder <c>&lt;stateDir&gt;/requests/&lt;runId&gt;/</c>: <c>request.json</c>, <c>metadata.json</c>,
/// <c>policy-decisions.jsonl</c>, <c>actions.jsonl</c>, <c>tool-results.jsonl</c>, <c>result.txt</c>, backups and patches.
/// </summary>
internal sealed class RequestRunFolder
{
    private readonly Lock _gate = new();

    private RequestRunFolder(string runId, string directory)
    {
        RunId = runId;
        Directory = directory;
    }

    public string RunId { get; }

    public string Directory { get; }

    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    public static RequestRunFolder Create(string stateDirectory, string runId)
    {
        var directory = Path.Combine(stateDirectory, "requests", runId);
        System.IO.Directory.CreateDirectory(directory);
        return new RequestRunFolder(runId, directory);
    }

    public void WriteJson(string name, JsonNode node) => File.WriteAllText(Path.Combine(Directory, name), RequestJson.ToIndentedString(node) + "\n");

    public void WriteText(string name, string text) => File.WriteAllText(Path.Combine(Directory, name), text);

    /// <summary>Creates <paramref name="name"/> exclusively; <see langword="false"/> when it already exists.</summary>
    public bool TryClaim(string name)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(Directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None);
            return true;
        }
        catch (IOException) when (File.Exists(Path.Combine(Directory, name)))
        {
            return false;
        }
    }

    public void AppendLine(string name, JsonNode node)
    {
        lock (_gate)
        {
            File.AppendAllText(Path.Combine(Directory, name), RequestJson.ToCompactString(node) + "\n");
        }
    }
}
