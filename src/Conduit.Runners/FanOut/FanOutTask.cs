using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>
/// One task given to every runner of a fan-out: a chat prompt, or a policy run with its input (which needs an
/// <see cref="IRunOrchestrator"/>).
/// </summary>
public sealed class FanOutTask
{
    /// <summary>A short label for tables and summaries; see <see cref="DisplayName"/>.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The chat prompt; <see langword="null"/> for a policy run.</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    /// <summary>The project of a policy run.</summary>
    [JsonPropertyName("project_id")]
    public string? ProjectId { get; init; }

    /// <summary>The policy of a policy run; <see langword="null"/> for a chat task.</summary>
    [JsonPropertyName("policy_id")]
    public string? PolicyId { get; init; }

    /// <summary>The policy run's input.</summary>
    [JsonPropertyName("input")]
    public JsonObject? Input { get; init; }

    /// <summary>Whether this is a policy run rather than a chat prompt.</summary>
    [JsonIgnore]
    public bool IsPolicyRun => PolicyId is not null;

    /// <summary>The name, else the policy id, else the prompt's first 40 characters.</summary>
    [JsonIgnore]
    public string DisplayName => Name ?? PolicyId ?? Shorten(Prompt ?? "", 40);

    /// <summary>A chat task.</summary>
    public static FanOutTask Chat(string prompt, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        return new FanOutTask { Prompt = prompt, Name = name };
    }

    /// <summary>A policy run of <paramref name="policyId"/> in <paramref name="projectId"/>.</summary>
    public static FanOutTask Policy(string projectId, string policyId, JsonObject? input = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectId);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyId);
        return new FanOutTask { ProjectId = projectId, PolicyId = policyId, Input = input, Name = name };
    }

    internal void Validate(int index)
    {
        if (IsPolicyRun)
        {
            if (string.IsNullOrWhiteSpace(ProjectId))
            {
                throw new ArgumentException($"Task {index + 1} ({PolicyId}) is a policy run without a project id.");
            }

            if (Prompt is not null)
            {
                throw new ArgumentException($"Task {index + 1} has both a prompt and a policy; give one or the other.");
            }
        }
        else if (string.IsNullOrWhiteSpace(Prompt))
        {
            throw new ArgumentException($"Task {index + 1} has neither a prompt nor a policy.");
        }
    }

    internal static string Shorten(string text, int length)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= length ? oneLine : string.Concat(oneLine.AsSpan(0, length - 1), "…");
    }
}
