using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>What just happened to a trial.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrialUpdateKind>))]
public enum TrialUpdateKind
{
    /// <summary>The trial got a concurrency slot and its workspace; the agent is starting.</summary>
    [JsonStringEnumMemberName("started")]
    Started,

    /// <summary>The agent produced its first event.</summary>
    [JsonStringEnumMemberName("first_event")]
    FirstEvent,

    /// <summary>The trial finished (verification included); <see cref="TrialUpdate.Result"/> holds its result.</summary>
    [JsonStringEnumMemberName("finished")]
    Finished,
}

/// <summary>A progress report of one trial, for live tables.</summary>
public sealed class TrialUpdate
{
    /// <summary>What happened.</summary>
    [JsonPropertyName("kind")]
    public required TrialUpdateKind Kind { get; init; }

    /// <summary>Which trial.</summary>
    [JsonPropertyName("trial")]
    public required FanOutTrial Trial { get; init; }

    /// <summary>When it happened.</summary>
    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The result, for <see cref="TrialUpdateKind.Finished"/>.</summary>
    [JsonPropertyName("result")]
    public TrialResult? Result { get; init; }
}
