namespace Conduit.Requests;

/// <summary>The policy's decision on one action, with the documented reason.</summary>
public sealed class ActionDecision
{
    /// <summary>The action id.</summary>
    public required string ActionId { get; init; }

    /// <summary>The canonical tool.</summary>
    public required string Tool { get; init; }

    /// <summary>The decision.</summary>
    public required RequestDecision Decision { get; init; }

    /// <summary>Why, e.g. <c>Tool requires confirmation: file.write</c>.</summary>
    public required string Reason { get; init; }
}
