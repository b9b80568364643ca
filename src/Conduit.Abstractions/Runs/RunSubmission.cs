using System.Text.Json.Nodes;

namespace Conduit;

/// <summary>A request to start a policy run.</summary>
public sealed class RunSubmission
{
    /// <summary>The project id from the project registry.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The policy id: the folder under <c>.conduit/policies/</c>.</summary>
    public required string PolicyId { get; init; }

    /// <summary>The run's input, available to the prompt template as <c>{{input.*}}</c> and to hooks as JSON.</summary>
    public JsonObject Input { get; init; } = [];

    /// <summary>A key that makes submission idempotent: the same key returns the same run.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The original Conduit's caller reference; the same project, policy and external ref return the same run.</summary>
    public string? ExternalRef { get; init; }

    /// <summary>Free-form metadata stored with the run.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>A runner that replaces the policy's base runner.</summary>
    public RunnerSpec? RequestedRunner { get; init; }

    /// <summary>A total timeout that overrides the policy's.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>A maximum number of attempts that overrides the policy's.</summary>
    public int? MaxAttempts { get; init; }
}
