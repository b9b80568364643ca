using System.Text.Json.Nodes;

namespace Conduit.Cli.Runs;

/// <summary>A run as a transport read it: the record, its attempts when asked for, and its JSON (the HTTP shape).</summary>
internal sealed class RunSnapshot
{
    public required RunRecord Run { get; init; }

    public IReadOnlyList<AttemptRecord>? Attempts { get; init; }

    /// <summary>The run as <c>GET /runs/{id}[?include=attempts]</c> answers it.</summary>
    public required JsonObject Json { get; init; }
}
