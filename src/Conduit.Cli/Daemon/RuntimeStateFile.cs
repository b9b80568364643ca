using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Cli.Daemon;

/// <summary>
/// <c>&lt;stateDir&gt;/runtime.json</c> (<c>{base_url, pid, started_at}</c>): the daemon <c>conduit runtime start</c>
/// launched, as the original Conduit writes it.
/// </summary>
internal sealed class RuntimeStateFile
{
    public const string FileName = "runtime.json";

    public required string BaseUrl { get; init; }

    public required int Pid { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>Reads the file; null when it is missing or unreadable (a broken file means no known daemon).</summary>
    public static RuntimeStateFile? TryRead(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject json
                || json["base_url"]?.GetValue<string>() is not { } baseUrl
                || json["pid"] is not { } pid)
            {
                return null;
            }

            return new RuntimeStateFile
            {
                BaseUrl = baseUrl,
                Pid = pid.GetValue<int>(),
                StartedAt = json["started_at"]?.GetValue<string>() is { } started
                    ? DateTimeOffset.Parse(started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                    : DateTimeOffset.UnixEpoch,
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Write(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string stateDirectory) => File.Delete(PathIn(stateDirectory));

    public JsonObject ToJson() => new()
    {
        ["base_url"] = BaseUrl,
        ["pid"] = Pid,
        ["started_at"] = StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };
}
